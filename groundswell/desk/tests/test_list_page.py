"""What each row and each filter of the interaction list shows, now written without loops of
template tags: the same values Django's filters and widgets would give."""

import datetime
import time

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone, translation

from groundswell.core.templatetags.moments import moment
from groundswell.desk.choices import Channel, InteractionStatus
from groundswell.desk.forms import FILTER_SECONDS, InteractionFilterForm
from groundswell.desk.selectors import interaction_rows_page, list_interactions
from groundswell.desk.tests.factories import CustomerFactory, InteractionFactory
from groundswell.people.tests.factories import PersonFactory


@pytest.fixture
def handled(team_alpha, agent):
    return InteractionFactory.create(
        team=team_alpha,
        handled_by=agent,
        customer=CustomerFactory.create(name="Carla <Customer>"),
        channel=Channel.IN_PERSON,
        status=InteractionStatus.PENDING,
        subject="Parcel & box",
        opened_at=datetime.datetime(2026, 3, 4, 12, 0, tzinfo=datetime.UTC),
    )


def test_a_row_shows_what_the_interaction_says(admin, client_for, handled):
    text = client_for(admin).get(reverse("desk:interaction-list")).text

    opened = timezone.localtime(handled.opened_at)
    assert f'<a href="{handled.get_absolute_url()}">Parcel &amp; box</a>' in text
    assert (f'<time datetime="{date_filter(opened, "c")}">{moment(opened)}</time>') in text
    assert "<td>Alpha</td>" in text
    assert "<td>Ada Agent</td>" in text
    assert "<td>Carla &lt;Customer&gt;</td>" in text
    assert "<td>In person</td>" in text
    assert '<span class="badge">Waiting on customer</span>' in text


def test_a_row_without_agent_or_customer_shows_a_dash(admin, client_for, team_alpha):
    InteractionFactory.create(team=team_alpha, customer=None, subject="Nobody yet")

    text = client_for(admin).get(reverse("desk:interaction-list")).text

    assert text.count("<td>—</td>") == 2


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_rows_use_the_language_of_the_request(language, admin, handled):
    with translation.override(language):
        page = interaction_rows_page(list_interactions(admin), cursor=None)
        opened = timezone.localtime(handled.opened_at)
        assert page.items[0].opened_text == moment(opened)  # as every page shows a moment
        assert page.items[0].status == str(InteractionStatus.PENDING.label)


@pytest.mark.parametrize("zone", ["UTC", "America/Santiago", "Asia/Kolkata"])
def test_rows_show_times_in_the_current_time_zone(zone, admin, handled):
    with timezone.override(zone):
        row = interaction_rows_page(list_interactions(admin), cursor=None).items[0]
        opened = timezone.localtime(handled.opened_at)
        assert row.opened_iso == date_filter(opened, "c")
        assert row.opened_text == moment(opened)  # as every page shows a moment
    assert row.opened_at == handled.opened_at  # the cursor keeps the stored time


def test_filters_offer_the_teams_and_agents_in_scope(
    manager, client_for, handled, team_invoices, outsider
):
    text = client_for(manager).get(reverse("desk:interaction-list")).text

    assert '<select name="team" id="id_team">' in text
    assert '<option value="" selected>All teams</option>' in text
    assert f'<option value="{handled.team_id}">Alpha (Customer Service)</option>' in text
    assert "Invoices" not in text
    assert f'<option value="{handled.handled_by_id}">Ada Agent</option>' in text
    assert f'<option value="{outsider.pk}">' not in text
    assert '<label for="id_agent">Agent:</label>' in text
    assert '<label for="id_opened_from">Opened from:</label>' in text
    assert '<input type="date" name="opened_from" id="id_opened_from">' in text


def test_filters_show_the_choices_made(admin, client_for, handled):
    text = (
        client_for(admin)
        .get(
            reverse("desk:interaction-list"),
            {"team": handled.team_id, "channel": "in_person", "opened_to": "2026-03-05"},
        )
        .text
    )

    assert f'<option value="{handled.team_id}" selected>' in text
    assert '<option value="" selected>All teams</option>' not in text
    assert '<option value="in_person" selected>In person</option>' in text
    assert 'name="opened_to" value="2026-03-05" id="id_opened_to"' in text


def test_a_team_out_of_scope_is_ignored_and_marked_invalid(agent, client_for, team_invoices):
    text = client_for(agent).get(reverse("desk:interaction-list"), {"team": team_invoices.pk}).text

    select = text[text.index('<select name="team"') :].split(">", 1)[0]
    assert 'aria-invalid="true"' in select


def test_the_filter_form_escapes_option_labels(admin, team_alpha):
    team_alpha.name = "<b>Alpha</b>"
    team_alpha.save(update_fields=["name"])
    form = InteractionFilterForm({}, viewer=admin)

    html = str(form["team"])

    assert "&lt;b&gt;Alpha&lt;/b&gt; (Customer Service)" in html
    assert "<b>" not in html


def test_filter_options_are_shared_only_by_the_same_scope(
    admin, manager, client_for, handled, outsider, monkeypatch
):
    """Options are read once for a scope and kept a few seconds; another scope reads its own."""
    url = reverse("desk:interaction-list")
    assert f'<option value="{outsider.pk}">' in client_for(admin).get(url).text
    assert f'<option value="{outsider.pk}">' not in client_for(manager).get(url).text
    newcomer = PersonFactory.create(team=handled.team, full_name="Nia Newcomer")
    assert "Nia Newcomer" not in client_for(admin).get(url).text  # the options read above

    later = time.time() + FILTER_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)  # the cache's clock
    assert f'<option value="{newcomer.pk}">Nia Newcomer</option>' in client_for(admin).get(url).text
