"""The downloadable people template imports as it is into the demo organisation (issue 12).

It used to name a team "Returns", which the demo does not have. Every test here uses the
module's one load of the demo (`small_demo`, root conftest.py).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groundswell.people.choices import Role
from groundswell.people.models import Person


@pytest.fixture
def seeded(small_demo, db):
    return small_demo


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_the_downloaded_template_imports_cleanly_into_the_demo(seeded, client_for, role):
    viewer = Person.objects.filter(role=role, is_active=True, user__isnull=False).first()
    assert viewer is not None
    client = client_for(viewer)
    template = client.get(reverse("people:import-template")).content
    count = Person.objects.count()

    file = SimpleUploadedFile("groundswell-people.csv", template, content_type="text/csv")
    preview = client.post(reverse("people:import"), {"file": file})

    result = preview.context["result"]
    assert result.is_valid, [(p.line, p.column, p.message) for p in result.report.problems]
    upload_id = preview.context["confirm"]["upload"].value()
    done = client.post(reverse("people:import-confirm"), {"upload": upload_id}, follow=True)
    assert "Imported 2 people." in done.text
    assert Person.objects.count() == count + 2
    again = client.get(reverse("people:import-template")).content
    assert again != template  # the examples now exist: the next template names others
