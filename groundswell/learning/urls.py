from django.urls import path

from groundswell.learning.views import (
    attitudes,
    classes,
    courses,
    interviews,
    onboarding,
    profiles,
    quizzes,
)

app_name = "learning"
urlpatterns = [
    path("", profiles.index, name="index"),
    path("profiles/", profiles.profile_list, name="profile-list"),
    path("profiles/new/", profiles.profile_create, name="profile-create"),
    path("profiles/<int:pk>/", profiles.profile_detail, name="profile-detail"),
    path("profiles/<int:pk>/attitudes/", profiles.attitude_create, name="attitude-create"),
    path("profiles/<int:pk>/questions/", profiles.question_create, name="question-create"),
    path("profiles/<int:pk>/outcomes/", attitudes.outcomes, name="profile-outcomes"),
    path("candidates/", interviews.candidate_list, name="candidate-list"),
    path("candidates/new/", interviews.candidate_create, name="candidate-create"),
    path("candidates/<int:pk>/", interviews.candidate_detail, name="candidate-detail"),
    path("candidates/<int:pk>/panel/", interviews.panel_add, name="panel-add"),
    path("candidates/<int:pk>/score/", interviews.score, name="candidate-score"),
    path("candidates/<int:pk>/decide/", interviews.candidate_decide, name="candidate-decide"),
    path("onboarding/", onboarding.programme_list, name="programme-list"),
    path("onboarding/<int:pk>/", onboarding.programme_detail, name="programme-detail"),
    path("onboarding/<int:pk>/buddy/", onboarding.programme_buddy, name="programme-buddy"),
    path(
        "onboarding/<int:pk>/steps/<int:step>/done/",
        onboarding.step_complete,
        name="step-complete",
    ),
    path("onboarding/<int:pk>/sign-off/", onboarding.programme_sign_off, name="programme-sign-off"),
    path("onboarding/<int:pk>/override/", onboarding.programme_override, name="programme-override"),
    path("readiness/", onboarding.readiness, name="readiness"),
    path("courses/", courses.course_list, name="course-list"),
    path("courses/new/", courses.course_create, name="course-create"),
    path("courses/<int:pk>/", courses.course_detail, name="course-detail"),
    path("courses/<int:pk>/completions/", courses.completion_create, name="completion-create"),
    path("courses/<int:pk>/impact/", courses.impact, name="course-impact"),
    path("courses/<int:pk>/quiz/", quizzes.quiz, name="quiz"),
    path("courses/<int:pk>/quiz/edit/", quizzes.quiz_edit, name="quiz-edit"),
    path("courses/<int:pk>/quiz/questions/", quizzes.quiz_question_add, name="quiz-question-add"),
    path(
        "courses/<int:pk>/quiz/questions/<int:question>/remove/",
        quizzes.quiz_question_remove,
        name="quiz-question-remove",
    ),
    path(
        "courses/<int:pk>/quiz/attempts/<int:number>/",
        quizzes.quiz_attempt,
        name="quiz-attempt",
    ),
    path("courses/<int:pk>/classes/new/", classes.class_create, name="class-create"),
    path("classes/", classes.class_list, name="class-list"),
    path("classes/<int:pk>/", classes.class_detail, name="class-detail"),
    path("classes/<int:pk>/leave/", classes.class_leave, name="class-leave"),
    path("classes/<int:pk>/enrol/", classes.class_enrol, name="class-enrol"),
    path("classes/<int:pk>/attendance/", classes.class_attendance, name="class-attendance"),
    path("refreshers/overdue/", courses.overdue, name="overdue"),
]

# The outside panel member's page, reached by their one-time link: mounted at /i/ by the top.
public_patterns = [path("<str:token>/", interviews.interview_link, name="interview-link")]
