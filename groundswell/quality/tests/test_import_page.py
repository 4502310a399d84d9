"""The page that imports past reviews onto a scorecard, per role."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groundswell.quality.models import Review

ROLES = ("agent", "team_lead", "manager", "executive", "admin", "outsider")
HEADER = (
    "interaction,reviewer email,reviewed at,Takes ownership,Accurate answer,"
    "Keeps the promise made,Checks the customer is satisfied,Goes the extra mile,comment\n"
)


def upload(text):
    return SimpleUploadedFile("reviews.csv", text.encode(), content_type="text/csv")


@pytest.mark.parametrize("role", ROLES)
def test_only_scorecard_managers_open_the_import_page(role, org, client_for, scorecard):
    response = client_for(org[role]).get(reverse("quality:review-import", args=[scorecard.pk]))

    assert response.status_code == (200 if role in {"manager", "admin"} else 403)
    if response.status_code == 200:
        assert "Accurate answer" in response.text


def test_a_good_file_imports_and_a_bad_one_names_each_problem(
    manager, client_for, scorecard, interaction
):
    client = client_for(manager)
    url = reverse("quality:review-import", args=[scorecard.pk])
    bad = HEADER + f"{interaction.pk},nobody@example.test,2026-01-05,maybe,4,n/a,yes,no,\n"

    refused = client.post(url, {"file": upload(bad)})

    assert refused.status_code == 422
    assert "Nothing was imported" in refused.text
    assert "Nobody active has the email address" in refused.text
    assert "Write yes or no" in refused.text
    assert not Review.objects.exists()

    good = HEADER + f"{interaction.pk},lead@example.test,2026-01-05,yes,4,n/a,yes,no,Fine\n"
    done = client.post(url, {"file": upload(good)})

    assert done.status_code == 200
    assert "1 review imported" in done.text
    assert Review.objects.get().comment == "Fine"
