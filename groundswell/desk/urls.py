from django.urls import path

from groundswell.desk import views

app_name = "desk"
urlpatterns = [
    path("", views.interaction_list, name="interaction-list"),
    path("new/", views.interaction_create, name="interaction-create"),
    path("<int:pk>/", views.interaction_detail, name="interaction-detail"),
    path("<int:pk>/resolve/", views.interaction_resolve, name="interaction-resolve"),
    path("<int:pk>/promises/", views.promise_create, name="promise-create"),
    path("<int:pk>/notes/", views.note_create, name="note-create"),
    path(
        "promises/<int:pk>/keep/",
        views.promise_settle,
        {"outcome": "keep"},
        name="promise-keep",
    ),
    path(
        "promises/<int:pk>/break/",
        views.promise_settle,
        {"outcome": "break"},
        name="promise-break",
    ),
    path("import/", views.interaction_import, name="import"),
    path("import/<int:pk>/", views.import_job, name="import-job"),
    path("import/<int:pk>/start/", views.import_start, name="import-start"),
    path("import/<int:pk>/problems.csv", views.import_report, name="import-report"),
]
