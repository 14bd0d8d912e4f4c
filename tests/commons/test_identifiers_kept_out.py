"""What the identifier check finds never reaches the whole school by a tick: an NHS number
must be removed before a lesson is shared, a withdrawn lesson is scrubbed of what the check
finds, and a title with a surname ("Mrs Jones") is flagged like a colleague's name."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from circles.identifiers import identifiers_find
from commons.models import Lesson
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    LessonFactory,
    MembershipFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

NHS = "943 476 5919"  # passes the modulus 11 check


@pytest.fixture
def author():
    member = MembershipFactory(circle=CircleFactory(slug="riverside")).member
    member.profile.roles.add(RoleFactory(name="Ward manager", slug="ward-manager"))
    return member


def _data(author, **changes):
    data = {
        "title": "A board at handover",
        "situation": "Handovers overran.",
        "action": "A printed board.",
        "outcome": "On time four days out of five.",
        "insight": "People read a board they can point at.",
        "tags": "handover",
        "credit": "role_region",
        "role": author.profile.roles.get().pk,
        "region": "north_west",
    }
    return {**data, **changes}


def test_an_nhs_number_cannot_be_confirmed_away(client, author):
    log = ActionLogFactory(author=author, circle=author.memberships.get().circle)
    client.force_login(author)
    url = reverse("commons:share", args=[log.pk])
    data = _data(author, outcome=f"Patient {NHS} went home early.")
    first = client.post(url, data)
    html = first.content.decode()
    assert "must be removed" in html
    assert 'name="confirm"' not in html  # nothing to tick
    ticked = client.post(url, {**data, "confirm": "on", "checked": first.context["checked"]})
    assert ticked.status_code == 200
    assert "remove it before you share" in ticked.content.decode()
    assert not Lesson.objects.exists()


def test_a_title_and_surname_is_flagged_and_can_be_confirmed(client, author):
    assert [(f.kind, f.text) for f in identifiers_find("Mrs Jones and Mrs B went home.")] == [
        ("titled_name", "Mrs Jones")
    ]
    log = ActionLogFactory(author=author, circle=author.memberships.get().circle)
    client.force_login(author)
    url = reverse("commons:share", args=[log.pk])
    data = _data(author, situation="Mrs Jones waited six hours for her transport.")
    first = client.post(url, data)
    assert "Name of a person: “Mrs Jones”" in first.content.decode()
    assert not Lesson.objects.exists()
    ticked = client.post(url, {**data, "confirm": "on", "checked": first.context["checked"]})
    assert ticked.status_code == 302 and Lesson.objects.get().is_listed


def test_a_withdrawn_lesson_is_scrubbed_of_what_the_check_finds(client, author):
    circle = author.memberships.get().circle
    colleague = MembershipFactory(circle=circle)
    colleague.member.profile.display_name = "Priya Shah"
    colleague.member.profile.save()
    lesson = LessonFactory(
        source_log=ActionLogFactory(author=author, circle=circle),
        title="Mr Li and the early discharge",
        situation=f"**Mrs Jones** ({NHS}) waited.",
        insight=f"{colleague.member.display_name}'s idea: call 07700 900123 first.",
    )
    client.force_login(FacilitatorFactory(circle=circle).member)
    client.post(reverse("commons:withdraw", args=[lesson.pk]), {"reason": "It names a patient."})
    lesson.refresh_from_db()
    assert not lesson.is_listed
    assert lesson.title == "[removed] and the early discharge"
    assert lesson.situation == "**[removed]** ([removed]) waited."
    assert lesson.situation_html == "<p><strong>[removed]</strong> ([removed]) waited.</p>\n"
    assert lesson.insight == "[removed]'s idea: call [removed] first."
    client.force_login(author)
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert NHS not in page and "Jones" not in page and "Priya" not in page


def test_the_migration_scrubs_lessons_withdrawn_before_and_leaves_shared_ones(author):
    circle = author.memberships.get().circle
    colleague = MembershipFactory(circle=circle)
    colleague.member.profile.display_name = "Priya Shah"
    colleague.member.profile.save()
    text = f"**Mrs Jones** ({NHS}) and Priya Shah."
    withdrawn = LessonFactory(source_log=ActionLogFactory(author=author, circle=circle))
    shared = LessonFactory(source_log=ActionLogFactory(author=author, circle=circle))
    Lesson.objects.filter(pk=withdrawn.pk).update(state="withdrawn", situation=text)
    Lesson.objects.filter(pk=shared.pk).update(situation=text)
    migration = importlib.import_module("commons.migrations.0005_withdrawn_lessons_scrubbed")
    migration.scrub(apps, SimpleNamespace(connection=connection))
    migration.scrub(apps, SimpleNamespace(connection=connection))  # a re-run changes nothing
    withdrawn.refresh_from_db()
    shared.refresh_from_db()
    assert withdrawn.situation == "**[removed]** ([removed]) and [removed]."
    assert (
        withdrawn.situation_html == "<p><strong>[removed]</strong> ([removed]) and [removed].</p>\n"
    )
    assert shared.situation == text
