"""`ApiKey.objects.visible_to`: administrators see every key, nobody else any."""

import pytest

from groundswell.api.choices import ApiKeyScope
from groundswell.api.models import ApiKey
from groundswell.api.services import create_api_key


@pytest.mark.parametrize(
    ("role", "count"),
    [("agent", 0), ("team_lead", 0), ("manager", 0), ("executive", 0), ("admin", 1)],
)
def test_only_admins_see_api_keys(role, count, org):
    create_api_key(actor=org["admin"], name="Sync", scope=ApiKeyScope.READ)

    assert ApiKey.objects.visible_to(org[role]).count() == count
