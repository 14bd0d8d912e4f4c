"""Dates the record cannot count with, text Word cannot hold and cells a spreadsheet would
run: a clear message or a safe file, never a 500."""

import csv
import io

import pytest
from django.urls import reverse
from docx import Document

from record.models import CpdEntry, RecordSettings, ReflectiveAccount
from tests.record.test_record import (
    frozen,  # noqa: F401 (fixture)
    world,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db


def test_dates_out_of_any_working_life_are_refused_with_a_message(client, world):  # noqa: F811
    nurse = world[2]
    client.force_login(nurse)
    page = client.get(reverse("record:page"), {"start": "9999-01-01", "end": "9999-12-31"})
    assert page.status_code == 200
    assert "Choose a date between 1900 and 2200." in page.content.decode()
    page = client.post(
        reverse("record:target"),
        {"hours_target": "35", "participatory_target": "20", "revalidation_due": "0002-01-01"},
    )
    assert "Choose a date between 1900 and 2200." in page.content.decode()
    assert not RecordSettings.objects.filter(member=nurse, revalidation_due__isnull=False).exists()
    assert client.get(reverse("record:page")).status_code == 200


def test_a_docx_is_written_even_when_the_text_holds_control_characters(client, world):  # noqa: F811
    nurse = world[2]
    account = ReflectiveAccount.objects.create(
        member=nurse,
        title="Soft\x0bbreak",
        event_date="2026-11-01",
        nature="Line one\x0bline two\x1b.",
        learning="Learnt.",
        changed="Changed.",
    )
    client.force_login(nurse)
    response = client.get(reverse("record:account_docx", args=[account.pk]), {"checked": "1"})
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Soft break" in text


def test_the_cpd_csv_never_hands_a_spreadsheet_a_formula(client, world):  # noqa: F811
    nurse = world[2]
    CpdEntry.objects.create(
        member=nurse, activity='=HYPERLINK("http://x","Open")', date="2026-10-01", hours=1
    )
    client.force_login(nurse)
    rows = list(csv.reader(io.StringIO(client.get(reverse("record:cpd_csv")).content.decode())))
    assert [r[1] for r in rows[1:] if "HYPERLINK" in r[1]] == ['\'=HYPERLINK("http://x","Open")']
