"""Builders for the learning tests."""

from __future__ import annotations

from groundswell.learning import services
from groundswell.learning.choices import DEFAULT_STEPS
from groundswell.learning.models import Attitude, JobProfile, OnboardingStepTemplate
from groundswell.people.models import Department

ANCHORS = ("Never", "Rarely", "Sometimes", "Often", "Always, unprompted")


def make_profile(
    department: Department, *, attitudes: int = 2, title: str = "Advisor"
) -> JobProfile:
    """A job profile with `attitudes` attitudes and the default onboarding steps."""
    profile = JobProfile.objects.create(
        department=department, title=title, description="Service is everyone's job."
    )
    for n in range(attitudes):
        Attitude.objects.create(
            profile=profile,
            name=f"Attitude {n}",
            position=n,
            **{f"anchor_{i}": text for i, text in enumerate(ANCHORS, start=1)},
        )
    OnboardingStepTemplate.objects.bulk_create(
        OnboardingStepTemplate(profile=profile, kind=kind, title=title, position=p)
        for p, (kind, title) in enumerate(DEFAULT_STEPS)
    )
    return profile


def all_fives(profile: JobProfile, value: int = 5) -> dict[int, int]:
    return {attitude.pk: value for attitude in profile.attitudes.all()}


__all__ = ["all_fives", "make_profile", "services"]
