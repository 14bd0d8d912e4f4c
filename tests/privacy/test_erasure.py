"""Delete my account: after erasure no table, found by walking the models, holds her
email, name, organisation or (unless she kept them anonymised) her words; she is signed
out, her email is free, nothing more is sent to her, and an audit entry records the
erasure without her data."""

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models.functions import Cast
from django.test import Client

from circles.models import ActionLog, Membership, Response
from members.models import User
from notifications.models import DigestDelivery
from privacy.models import Erasure, ErasureMode, ErasureState
from privacy.services.erasure import (
    FORMER_MEMBER,
    ErasureRefused,
    erasure_request,
    erasure_run,
)
from tests.factories import PASSWORD, ActionLogFactory, FacilitatorFactory, UserFactory
from tests.privacy.conftest import ALICE_EMAIL, ALICE_LOG_TEXT, ALICE_NAME, ALICE_ORG


def tables_holding(text: str) -> list[str]:
    """Every column of every installed model (text, or JSON read as text) that holds
    ``text`` in some row."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.concrete_fields:
            if not isinstance(f, models.CharField | models.TextField | models.JSONField):
                continue
            rows = model._base_manager.annotate(_text=Cast(f.attname, models.TextField()))
            if rows.filter(_text__icontains=text).exists():
                found.append(f"{model._meta.label}.{f.attname}")
    return found


def erase(member, mode):
    erasure = erasure_request(member=member, mode=mode)
    return erasure_run(erasure_id=erasure.pk)


@pytest.mark.parametrize("mode", [ErasureMode.REMOVE, ErasureMode.ANONYMISE])
def test_no_table_holds_her_email_name_or_organisation(world, mode):
    alice_id = world.alice.pk
    assert "members.User.email" in tables_holding(ALICE_EMAIL)  # the walk sees her
    assert "circles.Response.body" in tables_holding(ALICE_NAME)
    assert "circles.Membership.entry_answer" in tables_holding("I run Willow ward")
    erase(world.alice, mode)
    for text in (ALICE_EMAIL, ALICE_NAME, ALICE_ORG, "I run Willow ward"):
        assert tables_holding(text) == [], text
    assert not User.objects.filter(pk=alice_id).exists()
    for link_model, field in [(ActionLog, "author"), (Response, "author"), (Membership, "member")]:
        assert not link_model.objects.filter(**{f"{field}_id": alice_id}).exists()


def test_remove_everything_leaves_none_of_her_words(world):
    erase(world.alice, ErasureMode.REMOVE)
    assert tables_holding(ALICE_LOG_TEXT) == []
    assert tables_holding("bank team") == []
    # Bob's own log stays; his response to her removed log went with it.
    assert ActionLog.objects.filter(pk=world.bobs_log.pk).exists()
    assert not Response.objects.filter(pk=world.bobs_response.pk).exists()


def test_anonymised_contributions_stay_as_former_member_with_her_name_taken_out(world):
    erase(world.alice, ErasureMode.ANONYMISE)
    log = ActionLog.objects.select_related("author__profile").get(pk=world.log.pk)
    assert log.situation == ALICE_LOG_TEXT
    assert log.author.display_name == FORMER_MEMBER
    assert not log.author.is_active and not log.author.has_usable_password()
    response = Response.objects.get(pk=world.alices_response.pk)
    assert response.author_id == log.author_id
    # Bob's response to her log stays; his mention of her name is replaced.
    bobs = Response.objects.get(pk=world.bobs_response.pk)
    assert bobs.body == f"Thanks {FORMER_MEMBER}, what did the day team say?"
    assert ALICE_NAME not in bobs.body_html


def test_her_pages_show_former_member_though_they_were_cached_with_her_name(world, client):
    client.force_login(world.bob)
    pages = [world.log.get_absolute_url(), world.circle.get_absolute_url()]
    for url in pages:  # cards and responses are cached with her name in them
        assert ALICE_NAME in client.get(url).content.decode()
    erase(world.alice, ErasureMode.ANONYMISE)
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200
        assert FORMER_MEMBER in page.content.decode()
        assert ALICE_NAME not in page.content.decode(), url


def test_she_is_signed_out_everywhere_and_her_email_is_free(world):
    phone, laptop = Client(), Client()
    for browser in (phone, laptop):
        assert browser.login(email=ALICE_EMAIL, password=PASSWORD)
    assert Session.objects.count() == 2
    erasure_request(member=world.alice, mode=ErasureMode.REMOVE)
    assert Session.objects.count() == 0
    assert phone.get("/dashboard/").status_code == 302
    assert not EmailAddress.objects.filter(email__iexact=ALICE_EMAIL).exists()
    assert not Client().login(email=ALICE_EMAIL, password=PASSWORD)
    # The address can make a new account at once, before the rest is erased.
    assert UserFactory(email=ALICE_EMAIL).pk != world.alice.pk


@pytest.mark.parametrize(
    "engine",
    ["django.contrib.sessions.backends.cached_db", "django.contrib.sessions.backends.cache"],
)
def test_sessions_end_with_cached_sessions_too(world, settings, engine):
    settings.SESSION_ENGINE = engine
    browser = Client()
    assert browser.login(email=ALICE_EMAIL, password=PASSWORD)
    assert browser.get("/dashboard/").status_code == 200
    erasure_request(member=world.alice, mode=ErasureMode.REMOVE)
    assert browser.get("/dashboard/").status_code == 302


def test_the_last_facilitator_must_hand_over_first(world):
    with pytest.raises(ErasureRefused, match="only facilitator of Ward managers"):
        erasure_request(member=world.carol, mode=ErasureMode.REMOVE)
    assert User.objects.get(pk=world.carol.pk).is_active
    assert not Erasure.objects.exists()
    FacilitatorFactory(circle=world.circle, member=UserFactory())
    erasure_request(member=world.carol, mode=ErasureMode.REMOVE)


def test_a_facilitator_alone_in_her_circle_may_go(db):
    alone = FacilitatorFactory().member
    erasure_request(member=alone, mode=ErasureMode.REMOVE)


def test_the_audit_entry_records_the_erasure_without_her_data(world):
    erasure = erase(world.alice, ErasureMode.REMOVE)
    erasure.refresh_from_db()
    assert erasure.state == ErasureState.DONE and erasure.member is None
    assert erasure.scrub == [] and erasure.counts["circles.ActionLog"] == 1
    assert ALICE_NAME not in str(erasure.counts) and ALICE_EMAIL not in str(erasure.counts)


def test_a_rerun_changes_nothing(world):
    erasure = erase(world.alice, ErasureMode.ANONYMISE)
    assert erasure_run(erasure_id=erasure.pk) is None
    assert erasure_request(member=world.bob, mode=ErasureMode.ANONYMISE).pk != erasure.pk


class Killed(Exception):
    pass


@pytest.mark.parametrize("mode", [ErasureMode.REMOVE, ErasureMode.ANONYMISE])
def test_a_worker_killed_mid_way_leaves_nothing_half_done_and_the_rerun_finishes(world, mode):
    erasure = erasure_request(member=world.alice, mode=mode)
    logs_before = ActionLog.objects.count()
    with pytest.raises(Killed), transaction.atomic():
        erasure_run(erasure_id=erasure.pk)
        assert not User.objects.filter(pk=world.alice.pk).exists()
        raise Killed  # the worker dies before its transaction commits
    assert ActionLog.objects.count() == logs_before
    assert Erasure.objects.get(pk=erasure.pk).state == ErasureState.PENDING
    erasure_run(erasure_id=erasure.pk)
    assert tables_holding(ALICE_NAME) == []
    assert Erasure.objects.get(pk=erasure.pk).state == ErasureState.DONE


def test_a_digest_already_queued_for_her_sends_nothing(world, mailoutbox):
    """The weekly digest's batch was published with her id before she left; the worker
    runs it afterwards."""
    from notifications.tasks import digest_send_batch_task

    alice_id = world.alice.pk
    erase(world.alice, ErasureMode.REMOVE)
    digest_send_batch_task.apply(args=["2026-11-30", [alice_id, world.bob.pk], None]).get()
    assert not DigestDelivery.objects.filter(member_id=alice_id).exists()
    assert all(ALICE_EMAIL not in m.to for m in mailoutbox)


def test_she_gets_no_email_while_the_erasure_is_still_queued(world, mailoutbox):
    from notifications.tasks import digest_send_batch_task, response_emails_send_task

    erasure_request(member=world.alice, mode=ErasureMode.ANONYMISE)
    digest_send_batch_task.apply(args=["2026-11-30", [world.alice.pk], None]).get()
    response_emails_send_task.apply(args=[world.alice.pk]).get()
    assert mailoutbox == []


def test_staff_erasure_is_recorded_as_theirs(world, admin_user):
    erasure = erasure_request(member=world.alice, mode=ErasureMode.REMOVE, requested_by=admin_user)
    assert erasure.by_staff and erasure.requested_by == admin_user


def test_her_export_files_go_with_her(world, settings, tmp_path):
    from privacy.services.exports import export_build, export_request

    settings.PRIVACY_EXPORT_DIR = tmp_path
    export = export_request(member=world.alice)
    export_build(export_id=export.pk)
    assert list(tmp_path.glob("*.zip"))
    erase(world.alice, ErasureMode.ANONYMISE)
    assert not list(tmp_path.glob("*.zip"))


def test_her_drafts_go_even_when_she_keeps_her_contributions(world):
    draft = ActionLogFactory(
        circle=world.circle, author=world.alice, state="draft", published_at=None
    )
    erase(world.alice, ErasureMode.ANONYMISE)
    assert not ActionLog.objects.filter(pk=draft.pk).exists()
    assert ActionLog.objects.filter(pk=world.log.pk).exists()


def test_without_a_display_name_the_name_peers_saw_is_removed(world):
    world.alice.profile.display_name = ""
    world.alice.profile.save()
    world.bobs_response.body = "Thanks alice.nightingale, that helps."
    world.bobs_response.save()
    erase(world.alice, ErasureMode.ANONYMISE)
    assert tables_holding("alice.nightingale") == []


def test_the_former_member_account_cannot_be_erased(world):
    erase(world.alice, ErasureMode.ANONYMISE)
    former = ActionLog.objects.get(pk=world.log.pk).author
    with pytest.raises(ErasureRefused, match="anonymised contributions"):
        erasure_request(member=former, mode=ErasureMode.REMOVE)


def test_only_her_words_are_rewritten_never_other_peoples_names_places_or_links(world):
    """Her full name goes from what others wrote; another member's own name, a circle named
    like her, a circle's address, and a one-word name that others share stay as they are."""
    namesake = UserFactory()
    namesake.profile.display_name = f"{ALICE_NAME} Jones"
    namesake.profile.save()
    world.circle.name = f"{ALICE_NAME} ward"
    world.circle.save()
    slug = world.circle.slug
    sam = UserFactory()
    sam.profile.display_name = "Sam"
    sam.profile.save()
    others_log = ActionLogFactory(circle=world.circle, author=world.bob, title="Sam said hello")
    erase(world.alice, ErasureMode.ANONYMISE)
    erase(sam, ErasureMode.ANONYMISE)
    namesake.profile.refresh_from_db()
    world.circle.refresh_from_db()
    others_log.refresh_from_db()
    assert namesake.profile.display_name == f"{ALICE_NAME} Jones"
    assert (world.circle.name, world.circle.slug) == (f"{ALICE_NAME} ward", slug)
    assert others_log.title == "Sam said hello"
    world.bobs_response.refresh_from_db()
    assert ALICE_NAME not in world.bobs_response.body  # a mention of her is still removed


def test_removing_everything_takes_her_words_off_meeting_agendas(world):
    from meetings.models import AgendaItem, Occurrence

    occurrence = Occurrence.objects.get(circle=world.circle)
    AgendaItem.objects.create(
        occurrence=occurrence, position=1, text=f"Waiting: {world.log.title}", log=world.log
    )
    AgendaItem.objects.create(occurrence=occurrence, position=2, text="Rota", log=world.bobs_log)
    erase(world.alice, ErasureMode.REMOVE)
    assert list(AgendaItem.objects.values_list("text", flat=True)) == ["Rota"]


@pytest.mark.parametrize("mode", [ErasureMode.REMOVE, ErasureMode.ANONYMISE])
def test_notifications_about_lessons_keep_no_link_to_her(world, mode):
    from commons.models import Lesson
    from commons.services import lesson_question_answer, lesson_question_ask
    from notifications.models import Notification

    alices_lesson = Lesson.objects.get(author=world.alice)
    question = lesson_question_ask(asker=world.carol, lesson=alices_lesson, body="Which board?")
    lesson_question_answer(author=world.alice, question=question, answer="A whiteboard.")
    bobs_lesson = Lesson.objects.get(author=world.bob)
    lesson_question_ask(asker=world.alice, lesson=bobs_lesson, body="And at night?")
    alice_id = world.alice.pk
    erase(world.alice, mode)
    assert not Notification.objects.filter(recipient_id=alice_id).exists()
    told_bob = Notification.objects.get(recipient=world.bob, verb="lesson_question")
    assert told_bob.actor is None and told_bob.lesson == bobs_lesson
    # Carol's answer went with the lesson it was about, or stays about the kept lesson.
    told_carol = Notification.objects.filter(recipient=world.carol, verb="lesson_answer")
    assert told_carol.exists() == (mode == ErasureMode.ANONYMISE)
