from django.urls import path

from groundswell.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("departments/", views.department_list, name="department-list"),
    path("departments/<slug:slug>/", views.department_detail, name="department-detail"),
    path("teams/<slug:slug>/", views.team_detail, name="team-detail"),
    path("import/", views.person_import, name="import"),
    path("import/confirm/", views.person_import_confirm, name="import-confirm"),
    path("import/template.csv", views.person_import_template, name="import-template"),
    path(
        "import/<uuid:upload_id>/problems.csv",
        views.person_import_problems,
        name="import-problems",
    ),
]
