from django.urls import path

from groundswell.quality.views import analysis, calibration, coaching, imports, reviews, setup

app_name = "quality"
urlpatterns = [
    path("", reviews.home, name="home"),
    path("reviews/", reviews.review_list, name="review-list"),
    path("interactions/review/", reviews.review_pick, name="review-pick"),
    path("interactions/<int:pk>/review/", reviews.review_start, name="review-start"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review-detail"),
    path("reviews/<int:pk>/score/", reviews.review_score, name="review-score"),
    path("reviews/<int:pk>/acknowledge/", reviews.review_acknowledge, name="review-acknowledge"),
    path("reviews/<int:pk>/dispute/", reviews.review_dispute, name="review-dispute"),
    path("reviews/<int:pk>/root-causes/", reviews.root_cause_create, name="root-cause-create"),
    path("disputes/<int:pk>/decide/", reviews.dispute_decide, name="dispute-decide"),
    path("queue/", setup.queue, name="queue"),
    path("queue/teams/<int:pk>/", setup.queue_rule, name="queue-rule"),
    path("scorecards/", setup.scorecard_list, name="scorecard-list"),
    path("scorecards/new/", setup.scorecard_create, name="scorecard-create"),
    path("scorecards/<int:pk>/", setup.scorecard_detail, name="scorecard-detail"),
    path("scorecards/<int:pk>/edit/", setup.scorecard_edit, name="scorecard-edit"),
    path("scorecards/<int:pk>/import/", imports.review_import, name="review-import"),
    path("reviewers/", setup.grants, name="grants"),
    path("reviewers/<int:pk>/revoke/", setup.grant_revoke, name="grant-revoke"),
    path("coaching/", coaching.coaching_list, name="coaching-list"),
    path("coaching/new/<int:agent_pk>/", coaching.coaching_create, name="coaching-create"),
    path("coaching/<int:pk>/", coaching.coaching_detail, name="coaching-detail"),
    path("coaching/<int:pk>/reflection/", coaching.coaching_reflection, name="coaching-reflection"),
    path("coaching/<int:pk>/outcome/", coaching.coaching_outcome, name="coaching-outcome"),
    path("calibrations/", calibration.calibration_list, name="calibration-list"),
    path("calibrations/new/", calibration.calibration_create, name="calibration-create"),
    path("calibrations/<int:pk>/", calibration.calibration_detail, name="calibration-detail"),
    path(
        "calibrations/<int:pk>/interactions/<int:interaction_pk>/",
        calibration.calibration_score,
        name="calibration-score",
    ),
    path(
        "calibrations/<int:pk>/recompute/",
        calibration.calibration_recompute,
        name="calibration-recompute",
    ),
    path("dashboard/", analysis.quality_dashboard, name="dashboard"),
    path("audit/", analysis.metric_audit, name="audit"),
]
