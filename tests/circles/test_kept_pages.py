"""Pages kept for their reader (``circles.pages``): after any write to what a page shows —
through a service, a bulk update that sends no signal, or another app's rows — the next
read is the page a fresh render gives; readers never share a page; forms in a kept page
still post; the bell and messages are never kept; and a kept page costs a few queries."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from circles.models import ActionLog, Circle, Membership, MembershipState, Response
from facilitation.models import Report
from meetings.models import Meeting
from members.models import Profile
from notifications.models import Notification
from notifications.services.inbox import notifications_record
from tests.factories import (
    ActionLogFactory,
    MembershipFactory,
    ResponseFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def page(client, url: str) -> str:
    response = client.get(url)
    return f"{response.status_code}\n" + _TOKEN.sub(r"\1", response.content.decode())


def fresh(client, url: str) -> str:
    cache.clear()  # nothing kept (sessions are read from the database then)
    return page(client, url)


def _bulk_hide(world):
    ActionLog.objects.filter(pk=world.log.pk).update(is_hidden=True, hidden_reason="Names")


def _new_peer_log(world):
    ActionLogFactory(circle=world.circle, title="Night shift swaps")


def _response_to_log(world):
    ResponseFactory(log=world.log, author=world.facilitator, body="Try a huddle board.")


def _tags(world):
    world.log.tags.set(["handover", "night-shifts"])


def _rename_circle(world):
    Circle.objects.filter(pk=world.circle.pk).update(name="Ward leaders North")


def _author_renamed(world):
    Profile.objects.filter(user=world.author).update(display_name="Sister Okafor")


def _new_member(world):
    MembershipFactory(circle=world.circle)


def _report(world):
    Report.objects.create(circle=world.circle, reporter=world.member, log=world.log, reason="x")


def _response_hidden(world):
    Response.objects.filter(pk=world.response.pk).update(is_hidden=True, hidden_reason="Off")


def _reply(world):
    ResponseFactory(log=world.log, parent=world.response, author=world.author, kind="reply")


def _helpful(world):
    Response.objects.filter(pk=world.response.pk).update(helpful_at=timezone.now())


def _log_edited(world):
    ActionLog.objects.filter(pk=world.log.pk).update(title="Handover huddle, week two")


def _meeting(world):
    start = timezone.now() + datetime.timedelta(days=2)
    meeting = Meeting.objects.create(
        circle=world.circle, title="Monthly huddle", time_zone="Europe/London",
        first_start=start, duration_minutes=60,
    )  # fmt: skip
    meeting.occurrences.create(
        circle=world.circle, original_start=start, starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )  # fmt: skip


def _role_added(world):
    world.member.profile.roles.add(RoleFactory())


FEED_WRITES = [_bulk_hide, _new_peer_log, _response_to_log, _tags, _rename_circle,
               _author_renamed, _new_member]  # fmt: skip
LOG_WRITES = [_bulk_hide, _response_to_log, _response_hidden, _reply, _helpful, _log_edited,
              _author_renamed, _tags]  # fmt: skip
DASHBOARD_WRITES = [_new_peer_log, _rename_circle, _role_added, _meeting]


def _kept_then_written(client, world, url, write):
    client.force_login(world.member)
    before = page(client, url)
    assert page(client, url) == before  # read back as kept
    write(world)
    after = page(client, url)
    assert after == fresh(client, url)
    assert after != before  # the write shows: this test can fail


@pytest.mark.parametrize("write", FEED_WRITES, ids=lambda w: w.__name__)
def test_a_kept_circle_page_shows_every_write(client, world, write):
    _kept_then_written(client, world, world.circle.get_absolute_url(), write)


@pytest.mark.parametrize("write", LOG_WRITES, ids=lambda w: w.__name__)
def test_a_kept_log_page_shows_every_write(client, world, write):
    _kept_then_written(client, world, world.log.get_absolute_url(), write)


@pytest.mark.parametrize("write", DASHBOARD_WRITES, ids=lambda w: w.__name__)
def test_a_kept_dashboard_shows_every_write(client, world, write):
    _kept_then_written(client, world, reverse("dashboard"), write)


def test_facilitators_see_a_new_report_on_a_kept_circle_page(client, world):
    client.force_login(world.facilitator)
    url = world.circle.get_absolute_url()
    before = page(client, url)
    _report(world)
    after = page(client, url)
    assert after != before and after == fresh(client, url)


def test_a_member_removed_from_the_circle_no_longer_reads_its_kept_feed(client, world):
    client.force_login(world.member)
    url = world.circle.get_absolute_url()
    assert "Handover huddle" in page(client, url)
    Membership.objects.filter(member=world.member, circle=world.circle).update(
        state=MembershipState.REMOVED
    )
    assert "Handover huddle" not in page(client, url)
    assert client.get(world.log.get_absolute_url()).status_code == 404


def test_readers_never_share_a_kept_page(client, world):
    url = world.log.get_absolute_url()
    client.force_login(world.facilitator)
    as_facilitator = page(client, url)
    other = Client()
    other.force_login(world.member)
    as_member = page(other, url)
    assert as_member != as_facilitator
    assert as_member == fresh(other, url)


def test_a_form_on_a_kept_page_still_posts(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)
    url = world.log.get_absolute_url()
    client.get(url)
    html = client.get(url).content.decode()  # kept
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    posted = client.post(
        reverse("circles:response_create", args=[world.circle.slug, world.log.pk]),
        {"kind": "reflection", "body": "We tried this on ward 7.", "csrfmiddlewaretoken": token},
    )
    assert posted.status_code in (200, 302)
    assert Response.objects.filter(body="We tried this on ward 7.").exists()


def test_the_bell_on_a_kept_page_is_always_current(client, world):
    client.force_login(world.member)
    url = world.circle.get_absolute_url()
    page(client, url)
    Notification.objects.create(
        recipient=world.member, verb="responded", circle=world.circle, log=world.log
    )
    from notifications.inbox import bell_forget

    bell_forget([world.member.pk])
    assert 'class="bell-count" data-count="1"' in page(client, url)


def test_opening_a_kept_log_page_still_marks_its_notifications_read(client, world):
    client.force_login(world.member)
    url = world.log.get_absolute_url()
    page(client, url)
    [note] = notifications_record(
        recipient_ids=[world.member.pk], verb="responded", circle=world.circle, log=world.log
    )
    page(client, url)
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_message_is_shown_once_and_its_page_is_not_kept(client, world):
    client.force_login(world.member)
    url = world.log.get_absolute_url()
    page(client, url)  # kept without a message
    posted = client.post(
        reverse("circles:response_create", args=[world.circle.slug, world.log.pk]),
        {"kind": "reflection", "body": "We tried this on ward 7."},
    )
    assert posted.status_code == 302 and posted["Location"].startswith(url)
    assert "your response is posted" in page(client, url)
    assert "your response is posted" not in page(client, url)


@pytest.mark.parametrize("url_of", ["feed", "log", "dashboard"])
def test_a_kept_page_costs_two_queries(client, world, django_assert_num_queries, url_of):
    """Read back: her user with her profile, and the revisions (the session and the bell
    come from the cache)."""
    url = {
        "feed": world.circle.get_absolute_url(),
        "log": world.log.get_absolute_url(),
        "dashboard": reverse("dashboard"),
    }[url_of]
    client.force_login(world.member)
    page(client, url)
    with django_assert_num_queries(2):
        page(client, url)


def test_a_kept_log_page_writes_only_when_something_about_it_is_unread(
    client, world, django_assert_num_queries
):
    url = world.log.get_absolute_url()
    client.force_login(world.member)
    page(client, url)
    notifications_record(
        recipient_ids=[world.member.pk], verb="responded", circle=world.circle, log=world.log
    )
    page(client, world.circle.get_absolute_url())  # the bell learns of it
    with django_assert_num_queries(4):  # the log page marks it read; the bell counts again
        page(client, url)
    assert not Notification.objects.filter(recipient=world.member, read_at__isnull=True).exists()
    with django_assert_num_queries(2):  # nothing left to mark
        page(client, url)


def _revision(circle) -> int:
    return Circle.objects.values_list("revision", flat=True).get(pk=circle.pk)


def test_a_revision_grows_with_each_write_only_in_its_circle_and_never_goes_back(world):
    stale = Circle.objects.get(pk=world.circle.pk)  # read before the writes below
    other = _revision(world.other_circle)
    ActionLogFactory(circle=world.circle)
    after_log = _revision(world.circle)
    assert after_log > stale.revision
    stale.name = "Ward leaders North"
    stale.save()  # writes the revision it read, which is older
    assert _revision(world.circle) > after_log
    Response.objects.filter(log=world.log).delete()
    assert _revision(world.circle) > after_log + 1
    assert _revision(world.other_circle) == other


def test_a_bulk_write_bumps_its_circle_once_a_statement_on_postgresql(world):
    """Row by row, a 5,000-row load wrote 5,000 versions of the same circle row in one
    transaction and ran into the statement timeout: PostgreSQL's triggers work per
    statement (SQLite's per row, which costs it nothing of the kind)."""
    from django.db import connection

    other, before = _revision(world.other_circle), _revision(world.circle)
    logs = ActionLog.objects.bulk_create(
        ActionLog(circle=world.circle, author=world.author, title=f"Log {n}") for n in range(40)
    )
    grew = _revision(world.circle) - before
    assert grew == (1 if connection.vendor == "postgresql" else 40)
    before = _revision(world.circle)
    ActionLog.objects.filter(pk__in=[log.pk for log in logs]).update(title="Renamed")
    ActionLog.objects.filter(pk__in=[log.pk for log in logs]).delete()
    grew = _revision(world.circle) - before
    assert grew == (2 if connection.vendor == "postgresql" else 80)
    assert _revision(world.other_circle) == other


def test_only_the_columns_a_page_shows_count_when_a_membership_changes(world):
    from django.db import connection

    membership = Membership.objects.get(circle=world.circle, member=world.member)
    before = _revision(world.circle)
    Membership.objects.filter(pk=membership.pk).update(last_asked_to_respond_at=timezone.now())
    assert _revision(world.circle) == before  # a nudge's bookkeeping
    Membership.objects.filter(pk=membership.pk).update(state=membership.state)
    if connection.vendor == "postgresql":  # compares values (SQLite: UPDATE OF the column)
        assert _revision(world.circle) == before
    Membership.objects.filter(pk=membership.pk).update(state=MembershipState.LEFT)
    assert _revision(world.circle) > before
    before = _revision(world.circle)
    Profile.objects.filter(user=world.member).update(display_name="Sister Adeyemi")
    assert _revision(world.circle) > before  # what others read of her


def test_a_kept_log_page_shows_a_change_to_the_log_it_follows_in_another_circle(client, world):
    MembershipFactory(circle=world.other_circle, member=world.author)
    MembershipFactory(circle=world.other_circle, member=world.member)
    earlier = ActionLogFactory(
        circle=world.other_circle, author=world.author, title="Rota swap trial"
    )
    ActionLog.objects.filter(pk=world.log.pk).update(follows=earlier)
    client.force_login(world.member)
    url = world.log.get_absolute_url()
    assert "Rota swap trial" in page(client, url)
    ActionLog.objects.filter(pk=earlier.pk).update(title="Rota swap, second trial")
    after = page(client, url)
    assert "Rota swap, second trial" in after and after == fresh(client, url)


def test_an_address_with_parameters_the_page_does_not_read_is_not_kept(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.member)
    url = world.circle.get_absolute_url() + "?utm_source=digest"
    page(client, url)
    with django_assert_max_num_queries(100) as rendered:
        page(client, url)
    assert len(rendered) > 4  # rendered again, not read back


def test_opening_a_log_page_stores_read_times_as_the_orm_does(client, world):
    from django.db import connection

    note = Notification.objects.create(
        recipient=world.member, verb="responded", circle=world.circle, log=world.log
    )
    client.force_login(world.member)
    page(client, world.log.get_absolute_url())
    raw = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT read_at FROM notifications_notification WHERE id = %s", [note.pk])
        raw["read_at"] = cursor.fetchone()[0]
    note.refresh_from_db()
    assert note.read_at is not None and note.read_at.tzinfo is not None
    if connection.vendor == "sqlite":
        assert "+" not in str(raw["read_at"])  # naive UTC text, as the ORM writes it
    assert Notification.objects.filter(read_at__lte=timezone.now(), pk=note.pk).exists()


@pytest.mark.parametrize("url_of", ["feed", "log"])
def test_a_kept_page_reads_the_cache_twice_the_bell_with_the_page(
    client, world, monkeypatch, url_of
):
    """Her session, then the page and the bell in one ``get_many`` (one round trip to
    Redis): no read of its own for the bell, nor for the log page's check of what it has
    to mark read."""
    from django.core.cache import caches

    backend = caches["default"]
    url = {"feed": world.circle.get_absolute_url(), "log": world.log.get_absolute_url()}[url_of]
    client.force_login(world.member)
    page(client, url)
    page(client, url)  # the bell is cached too by now
    reads, inside = [], []
    real_get, real_get_many = backend.get, backend.get_many

    def get(*args, **kwargs):
        if not inside:  # some caches' get_many calls get for each key
            reads.append("get")
        return real_get(*args, **kwargs)

    def get_many(keys, *args, **kwargs):
        reads.append(("get_many", len(keys)))
        inside.append(1)
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(backend, "get", get)
    monkeypatch.setattr(backend, "get_many", get_many)
    page(client, url)
    monkeypatch.undo()
    assert reads == ["get", ("get_many", 2)]
