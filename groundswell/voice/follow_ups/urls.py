"""The follow-up pages, under /voice/follow-ups/ in the `voice` namespace (voice/urls.py)."""

from django.urls import path

from groundswell.voice.follow_ups import views

urlpatterns = [
    path("", views.follow_up_list, name="follow-up-list"),
    path("<int:pk>/", views.follow_up_detail, name="follow-up-detail"),
    path("<int:pk>/close/", views.follow_up_close, name="follow-up-close"),
    path("<int:pk>/retry/", views.follow_up_retry, name="follow-up-retry"),
]
