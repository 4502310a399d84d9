from django.urls import path

from groundswell.ideas import views

app_name = "ideas"
urlpatterns = [
    path("", views.idea_list, name="idea-list"),
    path("new/", views.idea_create, name="idea-create"),
    path("we-acted/", views.acted, name="acted"),
    path("follow-up/", views.follow_up, name="follow-up"),
    path("<uuid:pk>/", views.idea_detail, name="idea-detail"),
    path("<uuid:pk>/status/", views.idea_transition, name="idea-transition"),
    path("<uuid:pk>/reply/", views.idea_reply, name="idea-reply"),
    path("<uuid:pk>/vote/", views.idea_vote, name="idea-vote"),
    path("policies/", views.policy_list, name="policy-list"),
    path("policies/new/", views.policy_create, name="policy-create"),
    path("policies/review/", views.review_queue, name="policy-review-queue"),
    path("policies/<int:pk>/", views.policy_detail, name="policy-detail"),
    path("policies/<int:pk>/edit/", views.policy_edit, name="policy-edit"),
    path("policies/<int:pk>/reviewed/", views.policy_reviewed, name="policy-reviewed"),
]
