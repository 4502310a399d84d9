import re

import pytest
from django.urls import reverse

from conftest import ROLES
from groundswell.api.choices import ApiKeyScope
from groundswell.api.models import ApiKey
from groundswell.api.services import authenticate_api_key, create_api_key

ALL_ROLES = (*ROLES, "outsider")
NOT_ADMIN = tuple(role for role in ALL_ROLES if role != "admin")


@pytest.fixture
def helpdesk_key(admin):
    return create_api_key(actor=admin, name="Helpdesk sync", scope=ApiKeyScope.READ)


def _pages(key):
    return [
        ("get", reverse("api_keys:list")),
        ("get", reverse("api_keys:create")),
        ("post", reverse("api_keys:create")),
        ("get", reverse("api_keys:revoke", args=[key.pk])),
        ("post", reverse("api_keys:revoke", args=[key.pk])),
    ]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_admins_open_the_api_key_pages(role, org, client_for, helpdesk_key):
    client = client_for(org[role])

    for method, url in _pages(helpdesk_key.api_key):
        response = getattr(client, method)(url)
        if role == "admin":
            assert response.status_code in {200, 302}, url
        else:
            assert response.status_code == 403, url

    helpdesk_key.api_key.refresh_from_db()
    assert helpdesk_key.api_key.is_revoked == (role == "admin")
    assert ApiKey.objects.count() == 1


def test_visitors_are_sent_to_login(client, helpdesk_key):
    for method, url in _pages(helpdesk_key.api_key):
        response = getattr(client, method)(url)

        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_list_shows_prefix_scope_creator_last_use_and_status(admin, client_for, helpdesk_key):
    other = create_api_key(actor=admin, name="Old export", scope=ApiKeyScope.READ_WRITE)
    other.api_key.revoked_at = other.api_key.created_at
    other.api_key.save(update_fields=["revoked_at"])
    authenticate_api_key(helpdesk_key.secret)

    response = client_for(admin).get(reverse("api_keys:list"))

    html = response.text
    assert response.status_code == 200
    assert "Helpdesk sync" in html
    assert "Old export" in html
    assert f"gsk_{helpdesk_key.api_key.prefix}_" in html
    assert "Read only" in html
    assert "Read and write" in html
    assert "Adam Admin" in html
    assert "Revoked" in html
    assert "Never" in html
    assert helpdesk_key.secret not in html
    assert helpdesk_key.api_key.key_hash not in html
    assert reverse("api_keys:revoke", args=[helpdesk_key.api_key.pk]) in html
    assert reverse("api_keys:revoke", args=[other.api_key.pk]) not in html


def test_creating_a_key_shows_its_secret_once(admin, client_for):
    client = client_for(admin)

    response = client.post(
        reverse("api_keys:create"), {"name": "Helpdesk sync", "scope": ApiKeyScope.READ_WRITE}
    )

    assert response.status_code == 200
    assert "only time the key is shown" in response.text
    assert "no-store" in response.headers["Cache-Control"]
    shown = re.search(r'value="(gsk_[^"]+)"', response.text)
    assert shown is not None
    secret = shown.group(1)
    key = ApiKey.objects.get()
    assert key.name == "Helpdesk sync"
    assert key.scope == ApiKeyScope.READ_WRITE
    assert key.created_by == admin
    assert authenticate_api_key(secret) == key
    for url in (reverse("api_keys:list"), reverse("api_keys:revoke", args=[key.pk])):
        assert secret not in client.get(url).text


def test_create_form_shows_errors_and_creates_nothing(admin, client_for):
    response = client_for(admin).post(
        reverse("api_keys:create"), {"name": "", "scope": "everything"}
    )

    assert response.status_code == 200
    assert response.text.count('class="errorlist') >= 2
    assert not ApiKey.objects.exists()


def test_revoking_asks_first_then_revokes_on_post(admin, client_for, helpdesk_key):
    client = client_for(admin)
    url = reverse("api_keys:revoke", args=[helpdesk_key.api_key.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "cannot be undone" in confirm.text
    assert authenticate_api_key(helpdesk_key.secret) is not None

    response = client.post(url, follow=True)

    assert response.redirect_chain[-1][0] == reverse("api_keys:list")
    assert "is revoked" in response.text
    assert authenticate_api_key(helpdesk_key.secret) is None


def test_revoking_a_missing_key_is_404(admin, client_for):
    response = client_for(admin).post(reverse("api_keys:revoke", args=[999]))

    assert response.status_code == 404


def test_admin_site_lists_keys_but_cannot_add_or_edit_them(admin, client_for, helpdesk_key):
    client = client_for(admin)
    key = helpdesk_key.api_key

    listing = client.get(reverse("admin:api_apikey_changelist"))
    detail = client.get(reverse("admin:api_apikey_change", args=[key.pk]))

    assert listing.status_code == 200
    assert str(key) in listing.text
    assert client.get(reverse("admin:api_apikey_add")).status_code == 403
    assert detail.status_code == 200
    assert key.key_hash not in detail.text
    assert 'name="name"' not in detail.text
