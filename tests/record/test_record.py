"""The learning record: cycles with prediction beside outcome, commitments kept / late /
open, meetings attended with their hours, responses given, CPD against her target (CSV),
reflective accounts prefilled from a log or chain, checked for identifiers and exported as
a .docx on the NMC's four prompts. Hers alone."""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from docx import Document

from circles.permissions import circle_access
from meetings import services as meeting_services
from record.models import CpdEntry, RecordSettings, ReflectiveAccount
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
    ResponseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=LONDON)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(frozen):
    circle = CircleFactory(name="Ward managers North", slug="ward-north")
    facilitator = FacilitatorFactory(circle=circle).member
    nurse = MembershipFactory(circle=circle).member
    first = ActionLogFactory(
        circle=circle,
        author=nurse,
        title="Handover huddle",
        situation="Handover overran.",
        action="A standing huddle.",
        prediction="On time 3 days in 5.",
        outcome="On time 4 days in 5.",
        insight="The board helped most.",
        next_step="Try it at weekends.",
        next_step_due=dt.date(2026, 11, 1),
        published_at=NOW - dt.timedelta(days=30),
    )
    follow = ActionLogFactory(
        circle=circle,
        author=nurse,
        follows=first,
        title="Weekend huddle",
        outcome="Weekends liked it.",
        insight="Weekend staff want it short.",
        next_step="Share with the matron.",
        published_at=NOW - dt.timedelta(days=25),
    )
    ResponseFactory(log=ActionLogFactory(circle=circle, author=facilitator), author=nurse)
    return circle, facilitator, nurse, first, follow


def attended_meeting(circle, facilitator, nurse, frozen):
    frozen.move_to(NOW - dt.timedelta(days=14))
    meeting = meeting_services.meeting_schedule(
        access=circle_access(facilitator, circle),
        title="Circle meeting",
        time_zone="Europe/London",
        first_local=dt.datetime(2026, 11, 10, 18, 0),
        duration_minutes=90,
        repeat="once",
    )
    occurrence = meeting.occurrences.get()
    frozen.move_to(NOW)
    meeting_services.attendance_record(
        access=circle_access(facilitator, circle),
        occurrence=occurrence,
        member_ids=[nurse.pk],
        notes="",
    )
    return occurrence


def test_the_record_page_shows_her_cycles_commitments_meetings_and_cpd(client, world, frozen):
    circle, facilitator, nurse, first, follow = world
    attended_meeting(circle, facilitator, nurse, frozen)
    CpdEntry.objects.create(
        member=nurse, activity="Safeguarding course", date=dt.date(2026, 6, 1), hours=6
    )
    client.force_login(nurse)
    page = client.get(reverse("record:page")).content.decode()
    assert "On time 3 days in 5." in page and "On time 4 days in 5." in page  # side by side
    assert 'id="fig-cycles">1<' in page
    assert 'id="fig-commitments">1 / 0 / 0<' in page  # followed up before it was due
    assert 'id="fig-meetings">1<' in page and 'id="fig-responses">1<' in page
    assert "7.50 hours of your 35-hour target" in page
    assert "<strong>1.50 participatory</strong> of 20" in page
    assert '<svg class="bar-chart" id="record-activity"' in page and "record-activity-table" in page


def test_the_date_range_filters_and_a_bad_range_is_refused(client, world):
    nurse = world[2]
    client.force_login(nurse)
    page = client.get(reverse("record:page"), {"start": "2026-10-01", "end": "2026-10-31"})
    assert "Weekend huddle" in page.content.decode()
    page = client.get(reverse("record:page"), {"start": "2025-01-01", "end": "2025-12-31"})
    assert "Weekend huddle" not in page.content.decode()
    page = client.get(reverse("record:page"), {"start": "2026-11-30", "end": "2026-11-01"})
    assert "The range ends before it starts" in page.content.decode()


def test_an_account_from_a_chain_is_prefilled_on_the_four_prompts(client, world):
    nurse, follow = world[2], world[4]
    client.force_login(nurse)
    form = client.get(reverse("record:account_new"), {"log": follow.pk, "chain": 1})
    initial = form.context["form"].initial
    assert "Handover overran." in initial["nature"] and "A standing huddle." in initial["nature"]
    assert "The board helped most." in initial["learning"]
    assert "Weekend staff want it short." in initial["learning"]
    assert "Weekends liked it." in initial["changed"]
    assert "Share with the matron." in initial["changed"]


def _save_account(client, nurse, log, **overrides):
    data = {
        "log": log.pk,
        "title": "Handover huddles",
        "event_date": "2026-10-21",
        "nature": "Handover overran; we tried a standing huddle.",
        "learning": "The board helped most.",
        "changed": "Huddles at weekends too.",
        "themes": ["practise_effectively", "preserve_safety"],
        "code_relevance": "",
        **overrides,
    }
    client.force_login(nurse)
    return client.post(f"{reverse('record:account_new')}?log={log.pk}", data)


def test_the_identifier_check_lists_what_could_identify_someone(client, world):
    circle, facilitator, nurse, first, _ = world
    response = _save_account(
        client,
        nurse,
        first,
        learning=f"NHS 943 476 5919 and {facilitator.display_name} helped.",
    )
    account = ReflectiveAccount.objects.get()
    assert response.url == reverse("record:account_check", args=[account.pk])
    page = client.get(response.url).content.decode()
    assert "NHS number" in page and facilitator.display_name in page
    # Exporting without looking at the findings goes back to them.
    for name in ("account_docx", "account_print"):
        refused = client.get(reverse(f"record:{name}", args=[account.pk]))
        assert refused.status_code == 302 and refused.url == response.url
        confirmed = client.get(reverse(f"record:{name}", args=[account.pk]), {"checked": 1})
        assert confirmed.status_code == 200


def test_the_docx_has_the_four_prompts_her_text_and_the_themes(client, world):
    nurse, first = world[2], world[3]
    _save_account(client, nurse, first)
    account = ReflectiveAccount.objects.get()
    response = client.get(reverse("record:account_docx", args=[account.pk]))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    for prompt in (
        "What was the nature of the CPD activity",
        "What did you learn",
        "How did you change or improve your practice as a result?",
        "How is this relevant to the Code?",
    ):
        assert prompt in text
    assert "we tried a standing huddle" in text and "Huddles at weekends too." in text
    assert "☒ Practise effectively" in text and "☐ Prioritise people" in text
    page = client.get(reverse("record:page")).content.decode()
    assert "<strong>1 of the 5</strong>" in page


def test_cpd_entries_the_csv_and_the_target(client, world, frozen):
    circle, facilitator, nurse, *_ = world
    attended_meeting(circle, facilitator, nurse, frozen)
    client.force_login(nurse)
    client.post(
        reverse("record:cpd_add"),
        {"activity": "Reading on safe staffing", "date": "2026-11-02", "hours": "2.5"},
    )
    client.post(
        reverse("record:target"),
        {"hours_target": "40", "participatory_target": "50", "revalidation_due": ""},
    )
    assert not RecordSettings.objects.exists()  # participatory above the total: refused
    client.post(
        reverse("record:target"),
        {"hours_target": "40", "participatory_target": "25", "revalidation_due": "2027-03-31"},
    )
    rows = list(csv.reader(io.StringIO(client.get(reverse("record:cpd_csv")).content.decode())))
    assert rows[0] == ["Date", "Activity", "Hours", "Participatory", "Source"]
    assert [
        "2026-11-10",
        "Circle meeting (Ward managers North)",
        "1.50",
        "yes",
        "circle meeting",
    ] in rows
    assert ["2026-11-02", "Reading on safe staffing", "2.50", "no", "added by me"] in rows
    page = client.get(reverse("record:page")).content.decode()
    assert "4 hours of your 40-hour target" in page


def test_everything_in_the_record_is_hers_alone(client, world):
    nurse, first = world[2], world[3]
    _save_account(client, nurse, first)
    account = ReflectiveAccount.objects.get()
    entry = CpdEntry.objects.create(
        member=nurse, activity="Course", date=dt.date(2026, 6, 1), hours=1
    )
    before = (list(ReflectiveAccount.objects.values()), list(CpdEntry.objects.values()))
    for who in (UserFactory(), UserFactory(is_staff=True), world[1]):
        client.force_login(who)
        for name in ("account_edit", "account_check", "account_docx", "account_print"):
            assert client.get(reverse(f"record:{name}", args=[account.pk])).status_code == 404
        assert client.post(reverse("record:account_delete", args=[account.pk])).status_code == 404
        assert client.post(reverse("record:cpd_delete", args=[entry.pk])).status_code == 404
        assert client.get(reverse("record:account_new"), {"log": first.pk}).status_code == 404
        page = client.get(reverse("record:page")).content.decode()
        assert "Weekend huddle" not in page
    client.logout()
    assert client.get(reverse("record:page")).status_code == 302
    assert (list(ReflectiveAccount.objects.values()), list(CpdEntry.objects.values())) == before
