"""An invitation travels through a real SMTP server on 127.0.0.1 and its links work."""

import email
import email.policy
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.test import override_settings

from groundswell.voice.invitations import services
from groundswell.voice.models import Response
from groundswell.voice.tests.factories import make_customer, make_interaction


class Inbox(Message):
    """Keeps every message the server receives."""

    def __init__(self) -> None:
        super().__init__(email.message.EmailMessage)
        self.messages: list[email.message.Message] = []

    def handle_message(self, message: email.message.Message) -> None:
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.mark.django_db
def test_the_invitation_arrives_by_smtp_with_working_one_click_links(
    smtp_server, team_alpha, client, django_capture_on_commit_callbacks
):
    inbox, port = smtp_server
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    customer = make_customer(name="Sam Smith", language="de")
    interaction = make_interaction(team_alpha, customer=customer)

    with override_settings(MAILERS=mailers), django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_after_resolution(interaction)

    assert invitation is not None
    [received] = inbox.messages
    assert received["To"] == customer.email
    parsed = email.message_from_string(received.as_string(), policy=email.policy.default)
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    assert text_part is not None
    assert html_part is not None
    text, html = text_part.get_content(), html_part.get_content()
    assert "Wie zufrieden sind Sie" in text
    links = re.findall(r"http://[^\s\"<]+(/s/[\w-]+)\?score=(\d)", text)
    assert [score for _path, score in links] == ["1", "2", "3", "4", "5"]
    assert html.count("?score=") == 5
    path = links[3][0]

    page = client.get(path, {"score": 4})
    submitted = client.post(path, {"score": "4", "comment": "Schnell und freundlich"})

    assert 'value="4" checked' in page.text
    assert submitted.status_code == 303
    assert Response.objects.get().comment == "Schnell und freundlich"
