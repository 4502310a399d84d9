"""The import problem report through the safe writer: hostile text, empties and numbers."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groundswell.core.imports.report import Problem
from groundswell.core.tests.hostile import HOSTILE
from groundswell.desk import imports
from groundswell.desk.models import ImportJob


def read(text):
    return list(csv.reader(io.StringIO(text, newline="")))


def test_report_neutralises_hostile_text_and_keeps_lines_numbers():
    plan = imports.Plan(source="groundswell", columns={"subject": "-subject"})
    plan.add_file_problem("=1+1")
    plan.problems.extend(Problem(2 + n, "subject", text) for n, text in enumerate(HOSTILE))

    text = imports.report_csv(plan)

    rows = read(text)
    assert rows[0] == ["line", "column", "message"]
    assert rows[1] == ["", "", "'=1+1"]  # a file problem: empty cells stay empty
    assert text.splitlines()[1] == ",,'=1+1"
    assert rows[2:] == [[str(2 + n), "'-subject", "'" + t] for n, t in enumerate(HOSTILE)]
    assert text.split("\r\n")[2].startswith("2,")  # the line is a bare number


def test_downloaded_report_is_the_safe_one(manager, client_for, team_alpha):
    client = client_for(manager)
    content = (
        b"external_id,subject,channel,status,team,opened_at\n"
        b"x-1,,email,open,Alpha,2026-10-01T10:00:00+00:00\n"
        b"x-2,Fine,pigeon,open,Alpha,2026-10-01T10:00:00+00:00\n"
    )
    client.post(
        reverse("desk:import"),
        {
            "file": SimpleUploadedFile("export.csv", content),
            "preset": "groundswell",
            "skip_bad_rows": "0",
        },
    )
    job = ImportJob.objects.get()

    response = client.get(reverse("desk:import-report", args=[job.pk]))

    text = response.content.decode()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert [row[:2] for row in read(text)[1:]] == [["2", "subject"], ["3", "channel"]]
    assert "'" not in text
