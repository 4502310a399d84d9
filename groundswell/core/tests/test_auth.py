import re

import pytest
from django.core import mail
from django.urls import reverse

from groundswell.people.tests.factories import PASSWORD


def test_login_with_email_and_password_reaches_home(client, agent):
    response = client.post(
        reverse("login"), {"username": agent.email, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("site:home")
    assert agent.full_name in response.text


def test_wrong_password_is_refused_with_a_message(client, agent):
    response = client.post(reverse("login"), {"username": agent.email, "password": "wrong"})

    assert response.status_code == 200
    assert (
        "correct email and password" in response.text.lower() or "enter a correct" in response.text
    )
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_for_that_address(client, agent, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": agent.email, "password": "wrong"})

    response = client.post(reverse("login"), {"username": agent.email, "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.text
    assert "_auth_user_id" not in client.session


def test_behind_a_proxy_a_lock_holds_for_the_client_address_not_the_proxys(client, agent, settings):
    """Behind nginx (PROXY_COUNT=1) every request comes from the proxy's address; the client's
    is in X-Forwarded-For. Found by `make topology`: Axes read the proxy's, so five wrong
    passwords from anywhere locked the account for everyone."""
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_IPWARE_PROXY_COUNT = 1
    login = reverse("login")
    for _ in range(3):
        client.post(
            login,
            {"username": agent.email, "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )

    locked = client.post(
        login, {"username": agent.email, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    elsewhere = client.post(
        login, {"username": agent.email, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.4"
    )

    assert locked.status_code == 429
    assert elsewhere.status_code == 302


def test_logout_needs_post_and_ends_the_session(agent, client_for):
    client = client_for(agent)

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert client.get(reverse("site:home")).status_code == 302


def test_password_change(agent, client_for):
    client = client_for(agent)
    new_password = "a-Much-longer-secret-42"

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert response.status_code == 302
    agent.user.refresh_from_db()
    assert agent.user.check_password(new_password)


def test_password_reset_by_email_sets_a_new_password(client, agent):
    client.post(reverse("password_reset"), {"email": agent.email})

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [agent.email]
    assert getattr(message, "alternatives", None), "the reset email has an HTML part"
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", str(message.body))
    assert link is not None
    response = client.get(link.group(1), follow=True)
    new_password = "Brand-new-password-77"
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    agent.user.refresh_from_db()
    assert agent.user.check_password(new_password)


def test_password_reset_for_unknown_email_sends_nothing_and_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.test"}, follow=True)

    assert response.status_code == 200
    assert mail.outbox == []
    assert "If an account uses that address" in response.text


@pytest.mark.parametrize(
    "url_name", ["login", "password_reset", "password_reset_done", "password_reset_complete"]
)
def test_public_account_pages_render(client, db, url_name):
    assert client.get(reverse(url_name)).status_code == 200
