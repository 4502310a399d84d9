"""django-helpdesk under /helpdesk/, as its installation guide mounts it."""

from django.urls import include, path

urlpatterns = [path("helpdesk/", include("helpdesk.urls"))]
