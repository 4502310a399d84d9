from django.urls import path

from groundswell.pulse import public_views, views

app_name = "pulse"
urlpatterns = [
    path("", views.campaign_list, name="campaign-list"),
    path("new/", views.campaign_create, name="campaign-create"),
    path("<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("<int:pk>/launch/", views.campaign_launch, name="campaign-launch"),
    path("<int:pk>/close/", views.campaign_close, name="campaign-close"),
    path("<int:pk>/results.csv", views.campaign_export, name="campaign-export"),
    path("<int:pk>/actions/new/", views.action_create, name="action-create"),
    path("actions/", views.action_list, name="action-list"),
    path("actions/<int:pk>/status/", views.action_status, name="action-status"),
]

public_patterns = (
    [
        path("thanks/", public_views.thanks, name="thanks"),
        path("answer/", public_views.answer_page, name="answer"),
        path("<str:token>/", public_views.open_link, name="page"),
    ],
    "pulse-answer",
)
