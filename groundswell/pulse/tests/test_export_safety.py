"""The results CSV through the safe writer: hostile group names, empties and numbers."""

import csv
import io

from django.urls import reverse

from groundswell.pulse import services
from groundswell.pulse.choices import CampaignKind
from groundswell.pulse.tests.factories import add_submissions, fake_wave


def test_results_csv_neutralises_names_and_keeps_figures_numbers(
    admin, client_for, customer_service, team_alpha
):
    customer_service.name = "@SUM(A1:A9)"
    customer_service.save(update_fields=["name"])
    team_alpha.name = '=HYPERLINK("https://evil.test","-2+3")'
    team_alpha.save(update_fields=["name"])
    campaign = services.create_campaign(
        actor=admin,
        name="Culture check",
        kind=CampaignKind.PULSE,
        departments=[customer_service],
        elements=["training"],
    )
    add_submissions(fake_wave(campaign), team_alpha, [[0, 3, 3, 3]] * 10)

    response = client_for(admin).get(reverse("pulse:campaign-export", args=[campaign.pk]))

    text = response.content.decode()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    labels = {row[0] for row in rows[1:]}
    assert "'@SUM(A1:A9)" in labels
    assert '\'=HYPERLINK("https://evil.test","-2+3")' in labels
    assert not any(label.startswith(("=", "+", "-", "@")) for label in labels)
    enps = next(row for row in rows if row[0] == "'@SUM(A1:A9)" and row[3] == "eNPS")
    assert enps[2] == "10"
    assert enps[4] == "-100"  # a negative figure is a number, written unquoted
    assert enps[5] == ""  # no favourable share for eNPS: empty, not a quote
    assert ",-100," in text
