"""Job profiles: everyone reads them, managers keep their department's, anchors in words."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from groundswell.learning import services
from groundswell.learning.models import JobProfile


@pytest.mark.parametrize("role", ["agent", "team_lead", "manager", "executive", "admin"])
def test_everyone_reads_profiles(role, org, client_for, profile):
    client = client_for(org[role])

    listing = client.get(reverse("learning:profile-list"))
    detail = client.get(reverse("learning:profile-detail", args=[profile.pk]))

    assert listing.status_code == 200
    assert detail.status_code == 200
    assert "Always, unprompted" in detail.content.decode()  # the anchors, in words


@pytest.mark.parametrize(
    ("role", "expected"),
    [("agent", 403), ("team_lead", 403), ("manager", 200), ("executive", 403), ("admin", 200)],
)
def test_create_page_per_role(role, expected, org, client_for):
    assert client_for(org[role]).get(reverse("learning:profile-create")).status_code == expected


def test_manager_adds_a_profile_with_default_steps(manager, client_for, customer_service):
    response = client_for(manager).post(
        reverse("learning:profile-create"),
        {"department": customer_service.pk, "title": "Advisor", "description": "We care."},
    )

    profile = JobProfile.objects.get(title="Advisor")
    assert response.status_code == 302
    assert profile.onboarding_steps.count() == 5


def test_manager_cannot_add_a_profile_in_another_department(manager, billing):
    with pytest.raises(PermissionDenied):
        services.create_profile(actor=manager, department=billing, title="x", description="y")


def test_attitude_needs_five_anchors_in_words(manager, profile):
    with pytest.raises(ValidationError) as refused:
        services.add_attitude(
            actor=manager, profile=profile, name="Kind", anchors=["a", "b", "", "d", "e"]
        )

    assert "anchors" in refused.value.message_dict
    assert not profile.attitudes.filter(name="Kind").exists()


def test_manager_adds_attitude_and_moment_through_the_page(manager, client_for, profile):
    client = client_for(manager)
    anchors = {f"anchor_{n}": f"Looks like {n}" for n in range(1, 6)}

    client.post(
        reverse("learning:attitude-create", args=[profile.pk]), {"name": "Patient", **anchors}
    )
    attitude = profile.attitudes.get(name="Patient")
    client.post(
        reverse("learning:question-create", args=[profile.pk]),
        {"attitude": attitude.pk, "kind": "moment", "text": "Did they offer help?"},
    )

    assert attitude.anchor_5 == "Looks like 5"
    assert attitude.questions.get().kind == "moment"


@pytest.mark.parametrize("role", ["agent", "team_lead", "executive"])
def test_others_cannot_add_attitudes(role, org, client_for, profile):
    response = client_for(org[role]).post(
        reverse("learning:attitude-create", args=[profile.pk]), {"name": "x"}
    )

    assert response.status_code == 403
