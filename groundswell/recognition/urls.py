from django.urls import path

from groundswell.recognition import views
from groundswell.recognition.views import newsletter as newsletter_views
from groundswell.recognition.views import rewards as reward_views

app_name = "recognition"
urlpatterns = [
    path("", views.feed, name="feed"),
    path("kudos/new/", views.kudos_create, name="kudos-create"),
    path("kudos/<int:pk>/", views.kudos_detail, name="kudos-detail"),
    path("kudos/<int:pk>/react/", views.kudos_react, name="kudos-react"),
    path("kudos/<int:pk>/comment/", views.kudos_comment, name="kudos-comment"),
    path("kudos/<int:pk>/report/", views.kudos_report, name="kudos-report"),
    path("kudos/<int:pk>/moderate/", views.kudos_moderate, name="kudos-moderate"),
    path("moderation/", views.moderation, name="moderation"),
    path("compliments/", views.compliment_list, name="compliment-list"),
    path("compliments/<int:pk>/", views.compliment_detail, name="compliment-detail"),
    path("compliments/<int:pk>/review/", views.compliment_review, name="compliment-review"),
    path("heroes/", views.hero_list, name="hero-list"),
    path("heroes/nominate/", views.hero_create, name="hero-create"),
    path("heroes/<int:pk>/", views.hero_detail, name="hero-detail"),
    path("heroes/<int:pk>/decide/", views.hero_decide, name="hero-decide"),
    path("heroes/<int:pk>/month/", views.hero_month, name="hero-month"),
    path("values/", views.value_list, name="value-list"),
    path("values/new/", views.value_edit, name="value-create"),
    path("values/<int:pk>/edit/", views.value_edit, name="value-edit"),
    path("preferences/", views.preferences, name="preferences"),
    path("reach/", views.reach_page, name="reach"),
    path("reach/kudos.csv", views.kudos_export, name="kudos-export"),
    path("huddle/<int:team>/", views.huddle_page, name="huddle-today"),
    path("huddle/<int:team>/line/", views.huddle_line, name="huddle-line"),
    path("huddle/<int:team>/<str:day>/", views.huddle_page, name="huddle"),
    path("newsletters/", newsletter_views.newsletter_list, name="newsletter-list"),
    path("newsletters/draft/", newsletter_views.newsletter_draft, name="newsletter-draft"),
    path("newsletters/<int:pk>/", newsletter_views.newsletter_detail, name="newsletter-detail"),
    path("newsletters/<int:pk>/edit/", newsletter_views.newsletter_edit, name="newsletter-edit"),
    path("newsletters/<int:pk>/send/", newsletter_views.newsletter_send, name="newsletter-send"),
    path("points/", reward_views.points, name="points"),
    path("rewards/", reward_views.reward_list, name="reward-list"),
    path("rewards/new/", reward_views.reward_edit, name="reward-create"),
    path("rewards/<int:pk>/edit/", reward_views.reward_edit, name="reward-edit"),
    path("rewards/<int:pk>/redeem/", reward_views.reward_redeem, name="reward-redeem"),
    path("redemptions/<int:pk>/decide/", reward_views.redemption_decide, name="redemption-decide"),
    path(
        "newsletters/unsubscribe/<str:token>/",
        newsletter_views.newsletter_unsubscribe,
        name="newsletter-unsubscribe",
    ),
]
