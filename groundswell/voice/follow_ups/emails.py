"""The email that tells a team's leads a poor answer opened a follow-up."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from groundswell.people.permissions import Action
from groundswell.people.selectors import leads_of
from groundswell.voice.choices import FollowUpStatus
from groundswell.voice.follow_ups import services


def send_lead_notice(follow_up_id: int) -> bool:
    """Email the leads of the follow-up's team a link to it, once; False when nothing went out
    (already sent or being sent, closed before anyone was told, or no lead to tell).

    One message to every lead who may handle the follow-up (people.selectors.leads_of): the
    mail server takes it for all of them or for none, so one claim covers them all.
    """
    follow_up = services.claim_notice(follow_up_id)
    if follow_up is None:
        return False
    leads = leads_of(follow_up.team, action=Action.HANDLE_FOLLOW_UPS)
    if follow_up.status != FollowUpStatus.OPEN or not leads:
        services.mark_notice_sent(follow_up)
        return False
    response = follow_up.response
    context = {
        "follow_up": follow_up,
        "team": follow_up.team.name,
        "kind": response.get_kind_display(),
        "score": response.score,
        "subject": response.invitation.interaction.subject,
        "link": f"{settings.SITE_URL}{follow_up.get_absolute_url()}",
        "organisation_name": settings.ORGANISATION_NAME,
    }
    message = EmailMultiAlternatives(
        subject=render_to_string("voice/email/follow_up_notice_subject.txt", context).strip(),
        body=render_to_string("voice/email/follow_up_notice.txt", context),
        to=[lead.email for lead in leads],
    )
    message.attach_alternative(
        render_to_string("voice/email/follow_up_notice.html", context), "text/html"
    )
    try:
        message.send()
    except Exception:
        services.release_notice(follow_up)
        raise
    services.mark_notice_sent(follow_up)
    return True
