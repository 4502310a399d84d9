"""The emailed link: one use, clear errors, safe storage, nothing half-written."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, TestCase
from django.urls import reverse

from groundswell.pulse import services
from groundswell.pulse.models import Answer, Comment, Participation, PendingSubmission, Submission
from groundswell.pulse.tests.factories import (
    ANSWER_PAGE,
    close,
    full_answers,
    launched,
    links_in_outbox,
    members,
    open_link,
)


@pytest.fixture
def survey(manager, team_alpha):
    people = members(team_alpha, 5)
    campaign, wave, tokens = launched(manager, teams=[team_alpha])
    return campaign, wave, tokens, people


def _page(token):
    """What a person sees on following the link."""
    return open_link(token).get(ANSWER_PAGE)


def _post(token, data):
    return open_link(token).post(ANSWER_PAGE, data)


def test_launch_mails_a_personal_link_in_text_and_html(survey):
    _campaign, _wave, tokens, people = survey
    assert len(tokens) == 5
    assert {p.email for p in people} == set(tokens)
    assert all(m.alternatives for m in mail.outbox)
    assert Participation.objects.filter(invited_at__isnull=False).count() == 5


def test_employee_answers_through_the_link_once(survey, manager):
    campaign, _wave, tokens, people = survey
    browser = open_link(tokens[people[0].email])

    page = browser.get(ANSWER_PAGE)
    sent = browser.post(ANSWER_PAGE, {**full_answers(campaign), "comment": "Good week"})
    again = _page(tokens[people[0].email])

    assert page.status_code == 200
    assert sent.status_code == 302
    assert sent["Location"] == reverse("pulse-answer:thanks")
    assert again.status_code == 410
    assert b"already been sent" in again.content
    assert PendingSubmission.objects.count() == 1
    assert Submission.objects.count() == 0  # held until the wave closes
    close(manager, campaign)
    assert Submission.objects.count() == 1
    assert Answer.objects.count() == campaign.questions.count()
    assert Comment.objects.get().text == "Good week"
    assert not PendingSubmission.objects.exists()


def test_the_answer_page_without_a_link_cookie_is_an_unknown_link(survey):
    response = Client().get(ANSWER_PAGE)

    assert response.status_code == 404
    assert b"do not recognise" in response.content


def test_out_of_range_answer_is_rejected_and_nothing_is_saved(survey):
    campaign, _wave, tokens, people = survey
    answers = full_answers(campaign)
    first = next(iter(answers))
    answers[first] = "11"

    response = _post(tokens[people[0].email], answers)

    assert response.status_code == 400
    assert b"Choose a whole number from" in response.content
    assert PendingSubmission.objects.count() == 0
    assert not Participation.objects.filter(has_completed=True).exists()


def test_missing_and_non_numeric_answers_name_the_question(survey):
    campaign, _wave, tokens, people = survey
    answers = full_answers(campaign)
    keys = list(answers)
    answers[keys[0]] = "abc"
    del answers[keys[1]]

    with pytest.raises(ValidationError) as error:
        services.submit_answers(token=tokens[people[0].email], answers=answers)

    assert set(error.value.message_dict) == {keys[0], keys[1]}


def test_oversized_comment_is_refused(survey):
    campaign, _wave, tokens, people = survey
    response = _post(tokens[people[0].email], {**full_answers(campaign), "comment": "x" * 2001})
    assert response.status_code == 400
    assert b"Keep the comment under" in response.content
    assert PendingSubmission.objects.count() == 0


def test_script_tags_are_stored_as_text(survey, manager):
    campaign, _wave, tokens, people = survey
    script = "<script>alert('x')</script>"
    _post(tokens[people[0].email], {**full_answers(campaign), "comment": script})
    close(manager, campaign)
    assert Comment.objects.get().text == script


def test_unknown_and_expired_links(survey, manager):
    campaign, _wave, tokens, people = survey
    unknown = _page("not-a-real-token")
    services.close_campaign(actor=manager, campaign=campaign)
    expired = _page(tokens[people[0].email])

    assert unknown.status_code == 404
    assert b"do not recognise" in unknown.content
    assert expired.status_code == 410
    assert b"has closed" in expired.content


def test_reminder_reaches_only_those_who_have_not_answered_with_a_new_link(survey):
    campaign, _wave, tokens, people = survey
    services.submit_answers(token=tokens[people[0].email], answers=full_answers(campaign))
    mail.outbox.clear()

    sent = services.remind_open_waves()
    fresh = links_in_outbox()

    assert sent == 4
    assert people[0].email not in fresh
    assert _page(tokens[people[1].email]).status_code == 404  # replaced
    assert _page(fresh[people[1].email]).status_code == 200


def test_monthly_campaign_opens_its_next_wave(manager, team_alpha):
    import datetime

    from django.utils import timezone

    members(team_alpha, 5)
    _campaign, _wave, _tokens = launched(manager, teams=[team_alpha], schedule="monthly")
    with TestCase.captureOnCommitCallbacks(execute=True):
        none_yet = services.open_due_waves(now=timezone.now())
        later = services.open_due_waves(now=timezone.now() + datetime.timedelta(days=32))

    assert none_yet == []
    assert [w.number for w in later] == [2]
    assert later[0].participations.filter(invited_at__isnull=False).count() == 5
