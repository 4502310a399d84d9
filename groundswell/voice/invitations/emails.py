"""The survey invitation email, written in the customer's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from groundswell.voice.invitations import services
from groundswell.voice.surveys import wording


def send_invitation_email(invitation_id: int) -> bool:
    """Send one invitation with the rating scale as one-click links; False if not sendable
    (already sent, being sent by another worker, expired or opted out)."""
    claimed = services.claim_for_sending(invitation_id)
    if claimed is None:
        return False
    invitation, token = claimed
    version = invitation.version
    kind = version.survey.kind
    try:
        with translation.override(invitation.language):
            context = {
                "invitation": invitation,
                "question": wording.translated(version.question),
                "low_label": wording.translated(version.low_label),
                "high_label": wording.translated(version.high_label),
                "scale": [(n, services.survey_link(token, score=n)) for n in wording.scale(kind)],
                "link": services.survey_link(token),
                "subject": invitation.interaction.subject,
                "organisation_name": settings.ORGANISATION_NAME,
            }
            message = EmailMultiAlternatives(
                subject=render_to_string("voice/email/invitation_subject.txt", context).strip(),
                body=render_to_string("voice/email/invitation.txt", context),
                to=[invitation.customer.email],
                headers={"Content-Language": invitation.language},
            )
            html = render_to_string("voice/email/invitation.html", context)
            message.attach_alternative(html, "text/html")
        message.send()
    except Exception:
        services.release_claim(invitation)
        raise
    # Only now, with the message in the mail server's hands, is it sent. Killed before this
    # line, the worker leaves a claim that runs out and the sweep sends the invitation again.
    services.mark_sent(invitation)
    return True
