import pytest
from django.urls import reverse

from conftest import ROLES


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_its_own_home_page(role, org, client_for):
    response = client_for(org[role]).get(reverse("site:home"))

    assert response.status_code == 200
    assert f"site/home_{role}.html" in [t.name for t in response.templates]
    assert org[role].full_name in response.text


def test_visitor_is_sent_to_login(client, db):
    response = client.get(reverse("site:home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
