"""The circle feed, the log page and the dashboard: what each shows to whom, and that each
runs the same (small) number of queries with 3 items as with 50."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from circles.models import ActionLog, LogState, ResponseKind
from circles.selectors import circle_feed, dashboard_for
from tests.circles.helpers import WHO, sign_in
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    MembershipFactory,
    ResponseFactory,
    RoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def ago(days=0, hours=0):
    return timezone.now() - datetime.timedelta(days=days, hours=hours)


# --- the feed -------------------------------------------------------------------------------

FEED_VISIBLE = {
    "anonymous": False,
    "non_member": False,
    "pending": False,
    "member": True,
    "author": True,
    "other_facilitator": False,
    "facilitator": True,
    "staff": True,
}


@pytest.mark.parametrize("who", WHO)
def test_circle_page_shows_the_feed_only_to_those_who_may_read_it(client, world, who):
    text = sign_in(client, world.user(who)).get(world.circle.get_absolute_url()).content.decode()
    assert ("Handover huddle" in text) == FEED_VISIBLE[who]
    assert "Secret draft" not in text
    assert ("Write a log" in text) == (who in ("member", "author", "facilitator"))


def test_feed_pinned_first_then_newest_with_counts_and_no_response_mark(world):
    old = ActionLogFactory(circle=world.circle, title="Old", published_at=ago(days=9))
    pinned = ActionLogFactory(
        circle=world.circle, title="Pinned", published_at=ago(days=20), pinned_at=ago(days=1)
    )
    new = ActionLogFactory(circle=world.circle, title="New", published_at=ago(hours=1))
    world.log.published_at = ago(days=3)
    world.log.save()
    ResponseFactory(log=new, author=new.author)  # the author's own note is not an answer
    hidden = ActionLogFactory(circle=world.circle, title="Hidden one", is_hidden=True)
    feed = circle_feed(circle=world.circle, user=world.member)
    assert [log.title for log in feed["feed_logs"]] == ["Pinned", "New", "Handover huddle", "Old"]
    by_title = {log.title: log for log in feed["feed_logs"]}
    assert by_title["Handover huddle"].response_count == 1
    assert not by_title["Handover huddle"].awaiting_response
    assert by_title["New"].response_count == 1 and by_title["New"].awaiting_response
    assert by_title["Old"].awaiting_response and by_title["Old"].response_count == 0
    # Facilitators also see hidden logs (marked), members do not.
    titles = [
        log.title for log in circle_feed(circle=world.circle, user=world.facilitator)["feed_logs"]
    ]
    assert "Hidden one" in titles and hidden.pk
    assert pinned.pk and old.pk


def test_feed_filters_by_tag_and_paginates(client, world):
    for i in range(25):
        log = ActionLogFactory(
            circle=world.circle, title=f"Rota log {i:02d}", published_at=ago(hours=i + 1)
        )
        log.tags.set(["rota"])
    client.force_login(world.member)
    text = client.get(world.circle.get_absolute_url() + "?tag=handover").content.decode()
    assert "Handover huddle" in text and "Rota log" not in text
    page1 = client.get(world.circle.get_absolute_url() + "?tag=rota").content.decode()
    assert "Rota log 00" in page1 and "Rota log 19" in page1 and "Rota log 20" not in page1
    assert "Page 1" in page1 and "?page=2&amp;tag=rota" in page1
    page2 = client.get(world.circle.get_absolute_url() + "?tag=rota&page=2").content.decode()
    assert "Rota log 24" in page2 and "Rota log 00" not in page2
    assert "No response yet" in page1


def _fill_circle(world, n):
    for i in range(n):
        peer = MembershipFactory(circle=world.circle).member
        log = ActionLogFactory(circle=world.circle, author=peer, published_at=ago(hours=i + 1))
        log.tags.set([f"tag{i % 5}", "shared"])
        ResponseFactory(log=log, author=world.member, kind=ResponseKind.QUESTION)


# With the bell's count (not cached yet) and "New in the circle"; the session from the
# cache, her profile with her user.
FEED_QUERIES = 11


@pytest.mark.parametrize("n", [3, 50])
def test_feed_query_count_does_not_grow(client, world, django_assert_num_queries, n):
    """The circle page with its feed: FEED_QUERIES queries whether it shows 3 logs or 20
    of 50 (user with profile, circle with counts, roles, tags, facilitators and the
    reader's membership, the page of logs (no count), their tags, the tag filter)."""
    _fill_circle(world, n)
    client.force_login(world.member)
    with django_assert_num_queries(FEED_QUERIES):
        response = client.get(world.circle.get_absolute_url())
    assert response.content.decode().count('class="card log-card"') == min(n + 1, 20)


# --- the log page ---------------------------------------------------------------------------

# With the bell, the members whose names link and the "Lessons from elsewhere" panel's one
# query; the session from the cache, her profile with her user.
# Nothing unread about the log (the bell knows), so nothing is marked read.
LOG_PAGE_QUERIES = 9


@pytest.mark.parametrize("n", [3, 50])
def test_log_page_query_count_does_not_grow(client, world, django_assert_num_queries, n):
    kinds = list(ResponseKind.values)
    for i in range(n):
        response = ResponseFactory(
            log=world.log, kind=kinds[i % 4], helpful_at=ago() if i % 3 else None
        )
        ResponseFactory(log=world.log, parent=response, author=world.author, kind="reply")
    """The log page: LOG_PAGE_QUERIES queries with 3 responses or 50, each with a
    reply (user with profile, the log with circle/author/tags, responses and replies
    with authors, the chain, and the permission checks for responding and moderating)."""
    follow_ups = [
        ActionLogFactory(circle=world.circle, author=world.author, follows=world.log)
        for _ in range(3 if n == 3 else 5)
    ]
    client.force_login(world.author)
    with django_assert_num_queries(LOG_PAGE_QUERIES):
        response = client.get(follow_ups[0].follows.get_absolute_url())
    html = response.content.decode()
    assert html.count('class="card response ') == n + 1
    assert html.count('class="reply"') == n


# --- the dashboard --------------------------------------------------------------------------


def test_dashboard_lists_waiting_commitments_drafts_and_circles(client, world):
    role = RoleFactory(name="Ward manager")
    world.member.profile.roles.set([role])
    for_role = CircleFactory(name="Ward managers South", slug="ward-south")
    for_role.roles.set([role])
    # Waiting: oldest first, not mine, not answered by a peer; the author's own note does not count.
    older = ActionLogFactory(circle=world.circle, title="Older wait", published_at=ago(days=5))
    newer = ActionLogFactory(circle=world.circle, title="Newer wait", published_at=ago(days=1))
    ResponseFactory(log=newer, author=newer.author)
    mine = ActionLogFactory(circle=world.circle, author=world.member, title="My own wait")
    elsewhere = ActionLogFactory(circle=world.other_circle, title="Other circle wait")
    # Commitments: soonest first; followed-up ones drop off.
    today = timezone.localdate()
    later = ActionLogFactory(
        circle=world.circle, author=world.member, title="Later commitment",
        next_step="Talk to the matron", next_step_due=today + datetime.timedelta(days=10),
    )  # fmt: skip
    sooner = ActionLogFactory(
        circle=world.circle, author=world.member, title="Sooner commitment",
        next_step="Count missed meals", next_step_due=today - datetime.timedelta(days=1),
    )  # fmt: skip
    done = ActionLogFactory(
        circle=world.circle, author=world.member, title="Done commitment",
        next_step="Ask the kitchen", next_step_due=today,
    )  # fmt: skip
    ActionLogFactory(circle=world.circle, author=world.member, follows=done, title="Follow-up")
    draft = ActionLogFactory(
        circle=world.circle, author=world.member, title="My draft", state=LogState.DRAFT,
        published_at=None,
    )  # fmt: skip
    data = dashboard_for(user=world.member)
    waiting = [log.title for log in data["waiting"]]
    assert waiting.index("Older wait") < waiting.index("Newer wait")
    assert "Handover huddle" not in waiting  # answered by member
    assert mine.title not in waiting and elsewhere.title not in waiting
    assert [log.title for log in data["commitments"]] == ["Sooner commitment", "Later commitment"]
    assert [log.title for log in data["drafts"]] == ["My draft"]
    assert [c.name for c in data["circles_for_roles"]] == ["Ward managers South"]
    assert [c.name for c in data["my_circles"]] == ["Ward managers North"]
    client.force_login(world.member)
    text = client.get(reverse("dashboard")).content.decode()
    for title in ("Older wait", "Sooner commitment", "Overdue", "My draft", "Ward managers South"):
        assert title in text
    assert f"?follows={sooner.pk}" in text and later.pk and draft.pk and older.pk


def test_dashboard_never_shows_other_peoples_drafts_or_outside_logs(client, world):
    client.force_login(world.non_member)
    text = client.get(reverse("dashboard")).content.decode()
    assert "Handover huddle" not in text and "Secret draft" not in text
    client.force_login(world.member)
    text = client.get(reverse("dashboard")).content.decode()
    assert "Secret draft" not in text


def _headings(html: str, level: int = 2) -> list[str]:
    found = re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", html, flags=re.S)
    return [re.sub(r"<[^>]+>", "", h).strip() for h in found]


def test_new_member_dashboard_leads_with_circles_for_her_roles_open_ones_first(client):
    role = RoleFactory(name="Ward manager")
    for name, policy in (("Above all", "invite"), ("Bedside", "request"), ("Corridor", "open")):
        CircleFactory(name=name, join_policy=policy, entry_question="Why?").roles.set([role])
    CircleFactory(name="Other role", join_policy="open")
    newcomer = UserFactory()
    newcomer.profile.roles.set([role])
    client.force_login(newcomer)
    html = client.get(reverse("dashboard")).content.decode()
    # Circles for her roles come first; nothing that needs a circle is shown yet.
    assert _headings(html) == ["Circles for your roles", "Your roles"]
    assert _headings(html, level=3) == ["Corridor", "Bedside", "Above all"]
    assert "Every log in your circles has had a response" not in html
    assert "Other role" not in html


def test_new_member_keeps_seeing_her_commitments_and_drafts_if_she_has_any(client):
    """A member who left her only circle still has her drafts and dated next steps."""
    newcomer = UserFactory()
    left = CircleFactory()
    ActionLogFactory(
        circle=left, author=newcomer, next_step="Ask the matron",
        next_step_due=timezone.localdate() + datetime.timedelta(days=3),
    )  # fmt: skip
    ActionLogFactory(
        circle=left, author=newcomer, title="Half-written", state=LogState.DRAFT, published_at=None
    )
    client.force_login(newcomer)
    html = client.get(reverse("dashboard")).content.decode()
    assert _headings(html)[0] == "Circles for your roles"
    assert {"Your open commitments", "Your drafts"} <= set(_headings(html))
    assert "Waiting for a response" not in _headings(html)


def test_member_with_circles_sees_her_work_first_and_circles_for_roles_last(client, world):
    client.force_login(world.member)
    headings = _headings(client.get(reverse("dashboard")).content.decode())
    assert headings[0] == "Waiting for a response"
    assert headings.index("Circles for your roles") > headings.index("Your roles")


# With the bell's count (not cached yet); the session from the cache.
DASHBOARD_QUERIES = 12


@pytest.mark.parametrize("n", [3, 50])
def test_dashboard_query_count_does_not_grow(client, django_assert_num_queries, n):
    """The dashboard: DASHBOARD_QUERIES (12) queries whether there are 3 or 50 circles,
    waiting logs, commitments and drafts."""
    role = RoleFactory(name="Ward manager")
    me = UserFactory()
    me.profile.roles.set([role])
    today = timezone.localdate()
    for i in range(n):
        circle = CircleFactory()
        circle.roles.set([role])
        if i % 2:
            MembershipFactory(circle=circle, member=me)
        peer_log = ActionLogFactory(circle=circle, published_at=ago(days=i))
        peer_log.tags.set(["x", f"y{i}"])
        ActionLogFactory(
            circle=circle,
            author=me,
            next_step="Do it",
            next_step_due=today + datetime.timedelta(days=i),
        )
        ActionLogFactory(circle=circle, author=me, state=LogState.DRAFT, published_at=None)
    client.force_login(me)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.content.decode().count("Write the follow-up") == min(n, 10)
    assert ActionLog.objects.filter(author=me, state=LogState.DRAFT).count() == n


DASHBOARD_SEES_LOG = {
    "non_member": False,
    "pending": False,
    "member": True,  # waiting for a response
    "author": False,  # not their own log in "waiting"…
    "other_facilitator": False,
    "facilitator": True,
    "staff": False,  # staff read circles but the dashboard lists their own circles only
}


@pytest.mark.parametrize("who", WHO)
def test_dashboard_for_every_visitor(client, world, who):
    world.response.delete()  # the log is now waiting for a first response
    response = sign_in(client, world.user(who)).get(reverse("dashboard"))
    if who == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    text = response.content.decode()
    # A member in no circle yet has no "waiting" section at all.
    waiting = text.partition('id="waiting-title"')[2].split("</section>")[0]
    assert ("Handover huddle" in waiting) == DASHBOARD_SEES_LOG[who]
    assert ("Secret draft about rotas" in text) == (who == "author")  # …but their drafts


MY_LOGS_QUERIES = 4  # with the bell's count (not cached yet)


@pytest.mark.parametrize("n", [3, 50])
def test_my_logs_query_count_does_not_grow(client, world, django_assert_num_queries, n):
    """My logs: MY_LOGS_QUERIES (5) queries for 3 logs or 50, in chains across circles."""
    MembershipFactory(circle=world.other_circle, member=world.author)
    previous = world.log
    for i in range(n):
        circle = world.circle if i % 2 else world.other_circle
        previous = ActionLogFactory(
            circle=circle, author=world.author, follows=previous if i % 3 else None
        )
        previous.tags.set(["chain", f"t{i}"])
        ResponseFactory(log=previous)
    client.force_login(world.author)
    with django_assert_num_queries(MY_LOGS_QUERIES):
        response = client.get(reverse("circles:my_logs"))
    assert response.content.decode().count('class="card log-card"') == n + 2
