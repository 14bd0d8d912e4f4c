"""What a member page costs at a school's size: the reader's membership read once, the
feed filtered on its own circle without counting it, its tag choices cached per circle
(and forgotten when a log's tags can change what a reader sees), and — on PostgreSQL — a
feed plan that reads no other circle's logs."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from circles.models import ActionLog, LogState
from circles.permissions import circle_access
from circles.services.logs import log_create, log_publish
from facilitation.services import content_hide, content_restore
from tests.circles.helpers import WHO
from tests.factories import ActionLogFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _get(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in captured.captured_queries]


def _membership_reads(queries, user):
    return [
        sql
        for sql in queries
        if 'FROM "circles_membership"' in sql
        and f'"circles_membership"."member_id" = {user.pk}' in sql
    ]


def test_circle_page_reads_the_readers_membership_once(client, world):
    client.force_login(world.member)
    _, queries = _get(client, world.circle.get_absolute_url())
    assert len(_membership_reads(queries, world.member)) == 1


def test_log_page_reads_the_readers_membership_once(client, world):
    client.force_login(world.member)
    _, queries = _get(client, world.log.get_absolute_url())
    assert len(_membership_reads(queries, world.member)) == 1


def test_feed_pages_without_counting_the_feed(client, world):
    for i in range(25):
        ActionLogFactory(
            circle=world.circle, published_at=timezone.now() - datetime.timedelta(hours=i + 1)
        )
    client.force_login(world.member)
    response, queries = _get(client, world.circle.get_absolute_url())
    counts = [sql for sql in queries if 'AS "__count"' in sql]
    assert not [sql for sql in counts if "notifications_notification" not in sql]  # a paginator's
    page = response.content.decode()
    assert "Page 1" in page and "?page=2" in page and "Newer logs" not in page
    last, _ = _get(client, world.circle.get_absolute_url() + "?page=2")
    assert "Newer logs" in last.content.decode() and "Older logs" not in last.content.decode()
    assert last.content.decode().count('class="card log-card"') == 6  # 26 logs, 20 a page


def test_a_page_past_the_end_shows_the_first(client, world):
    client.force_login(world.member)
    text = client.get(world.circle.get_absolute_url() + "?page=9").content.decode()
    assert "Handover huddle" in text


@pytest.mark.parametrize("page", ["99999999999999999999", "1e400", "-3", "x"])
def test_any_page_number_shows_a_feed_page(client, world, page):
    """A crafted page number (past what the database can offset) shows the first page."""
    client.force_login(world.member)
    client.raise_request_exception = False
    response = client.get(world.circle.get_absolute_url() + "?page=" + page)
    assert response.status_code == 200
    assert "Handover huddle" in response.content.decode()


def _tag_queries(queries):
    return [sql for sql in queries if 'FROM "taggit_tag"' in sql and '"circles_actionlog"' in sql]


def _filter_tags(client, world):
    response, queries = _get(client, world.circle.get_absolute_url())
    return [t.name for t in response.context["feed_tags"]], queries


def test_feed_tag_choices_follow_the_circles_published_logs(client, world):
    client.force_login(world.member)
    tags, queries = _filter_tags(client, world)
    assert tags == ["handover"] and len(_tag_queries(queries)) == 1

    log = log_create(
        author=world.member,
        circle=world.circle,
        data={"title": "Rota swap", "situation": "Nights.", "action": "Asked."},
        tags=["rota"],
    )
    assert _filter_tags(client, world)[0] == ["handover"]  # a draft's tags are nobody's filter
    log_publish(author=world.member, log=log)
    assert _filter_tags(client, world)[0] == ["handover", "rota"]

    content_hide(actor=world.facilitator, log=log, reason="Names a patient")
    assert _filter_tags(client, world)[0] == ["handover"]
    content_restore(actor=world.facilitator, log=log)
    assert _filter_tags(client, world)[0] == ["handover", "rota"]


def test_health_lists_the_oldest_unanswered_logs_and_counts_the_rest(client, world):
    for i in range(25):
        ActionLogFactory(
            circle=world.circle,
            title=f"Waiting {i:02d}",
            published_at=timezone.now() - datetime.timedelta(days=30 - i),
        )
    client.force_login(world.facilitator)
    response, _ = _get(client, f"/facilitate/{world.circle.slug}/health/")
    page = response.content.decode()
    health = response.context["health"]
    assert health.unanswered_count == 25
    assert [log.title for log in health.unanswered_logs] == [f"Waiting {i:02d}" for i in range(20)]
    assert "Waiting 20" not in page and "And 5 more waiting" in page
    csv = client.get(f"/facilitate/{world.circle.slug}/health.csv").content.decode()
    assert "Waiting 24" in csv  # the CSV lists them all


@pytest.mark.parametrize("who", [w for w in WHO if w != "anonymous"])
def test_circle_access_sees_each_log_as_visible_to_does(world, who):
    """``CircleAccess.can_view_log`` (no query) and ``ActionLog.objects.visible_to`` (the
    rule as a filter) agree for every kind of reader and log."""
    user = world.user(who)
    hidden = ActionLogFactory(circle=world.circle, author=world.author, is_hidden=True)
    others_hidden = ActionLogFactory(circle=world.circle, is_hidden=True)
    logs = [world.log, world.draft, hidden, others_hidden]
    visible = set(ActionLog.objects.visible_to(user).values_list("pk", flat=True))
    access = circle_access(user, world.circle)
    assert {log.pk for log in logs if access.can_view_log(log)} == visible & {
        log.pk for log in logs
    }
    feed = set(ActionLog.objects.readable_in(access).values_list("pk", flat=True))
    published = {log.pk for log in logs if log.state == LogState.PUBLISHED}
    if access.can_read:
        assert feed == visible & published


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="query plans are PostgreSQL's: set DATABASE_URL to a PostgreSQL database",
)
def test_feed_plan_reads_no_other_circles_logs(client, world):
    """With a big circle next door, the feed of a small circle reads only its own logs."""
    big = MembershipFactory().circle
    author = MembershipFactory(circle=big).member
    now = timezone.now()
    ActionLog.objects.bulk_create(
        [
            ActionLog(
                circle=big,
                author=author,
                title=f"Elsewhere {i}",
                situation="x",
                action="y",
                state=LogState.PUBLISHED,
                published_at=now - datetime.timedelta(minutes=i),
            )
            for i in range(3000)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE circles_actionlog")
    own = ActionLog.objects.filter(circle=world.circle).count()
    client.force_login(world.member)
    _, queries = _get(client, world.circle.get_absolute_url())
    log_queries = [sql for sql in queries if 'FROM "circles_actionlog"' in sql]
    assert log_queries
    for sql in log_queries:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        for node in _nodes(plan[0]["Plan"]):
            if node.get("Relation Name") == "circles_actionlog":
                # Both figures are per loop: each loop reads at most this circle's logs.
                read = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
                assert read <= own, (node["Node Type"], read, sql[:200])


def _nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="JIT is PostgreSQL's: set DATABASE_URL to a PostgreSQL database",
)
def test_connections_do_not_compile_queries_just_in_time():
    """A page's query whose estimated cost passes ``jit_above_cost`` spent far longer being
    compiled than running."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
