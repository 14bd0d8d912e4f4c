"""Circle health against a hand-built circle whose numbers are known, with time frozen."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from circles.models import ActionLog, LogState, Membership, MembershipState, ResponseKind
from facilitation.charts import weekly_activity_chart
from facilitation.selectors import circle_health, health_overview
from members.models import Profile
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
    ResponseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # a Wednesday; London is on GMT until 29 March
LONG_AGO = datetime(2025, 11, 1, 9, 0, tzinfo=UTC)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _person(name):
    user = UserFactory()
    Profile.objects.filter(user=user).update(display_name=name)
    user.refresh_from_db()
    return user


def _member(circle, name, joined=LONG_AGO, **kwargs):
    return MembershipFactory(circle=circle, member=_person(name), joined_at=joined, **kwargs).member


@pytest.fixture
def known(frozen):
    """Seven active members; logs and responses placed at known times.

    Expected (window: the 12 weeks from Monday 29 Dec 2025): 6 logs, 3 answered (50%),
    first responses after 4h, 24h and 8h (median 8h), silent: Dee and Gus, unanswered:
    L7, L3, L4 (oldest first), responses: 2 questions, 2 reflections, 0 resources,
    1 suggestion.
    """
    circle = CircleFactory(name="Known numbers", slug="known", created_at=LONG_AGO)
    fac = FacilitatorFactory(circle=circle, member=_person("Fran"), joined_at=LONG_AGO).member
    ann = _member(circle, "Ann")
    ben = _member(circle, "Ben")
    cat = _member(circle, "Cat")
    dee = _member(circle, "Dee")
    _member(circle, "Eve", joined=at(2026, 3, 10, 9))  # new: not yet "silent"
    _member(circle, "Gus")  # never wrote anything
    _member(circle, "Rob", state=MembershipState.REMOVED)  # not counted
    _member(circle, "Pat", state=MembershipState.PENDING, joined=None)  # not counted

    def log(author, published, title, **kw):
        return ActionLogFactory(
            circle=circle, author=author, published_at=published, created_at=published or NOW,
            title=title, **kw,
        )  # fmt: skip

    def respond(log_, author, created, kind=ResponseKind.QUESTION, **kw):
        return ResponseFactory(log=log_, author=author, created_at=created, kind=kind, **kw)

    l1 = log(ann, at(2026, 1, 5, 10), "L1")
    respond(l1, ben, at(2026, 1, 5, 14))  # 4 hours
    respond(l1, ann, at(2026, 1, 6, 10), ResponseKind.REFLECTION)  # the author's own reply
    l2 = log(ann, at(2026, 2, 2, 9), "L2")
    respond(l2, cat, at(2026, 2, 3, 9))  # 24 hours
    log(ben, at(2026, 3, 16, 8), "L3")  # unanswered
    l4 = log(cat, at(2026, 3, 17, 8), "L4")
    respond(l4, cat, at(2026, 3, 17, 9), ResponseKind.REFLECTION)  # only the author: unanswered
    l5 = log(ann, at(2026, 2, 19, 8), "L5", is_hidden=True, hidden_reason="x")  # left out
    respond(l5, dee, at(2026, 2, 20, 8), ResponseKind.SUGGESTION)
    log(ben, at(2026, 2, 16, 8), "L6", locked_at=at(2026, 2, 17, 8))  # locked, no response
    l7 = log(dee, at(2025, 12, 1, 8), "L7")  # before the window, still unanswered
    respond(l7, dee, at(2025, 12, 2, 8), ResponseKind.RESOURCE)
    log(ann, None, "L8 draft", state=LogState.DRAFT)
    l9 = log(fac, at(2026, 3, 9, 10), "L9")
    respond(l9, ben, at(2026, 3, 9, 11), is_hidden=True, hidden_reason="x")  # hidden: ignored
    respond(l9, ann, at(2026, 3, 9, 18), ResponseKind.SUGGESTION)  # 8 hours
    # Another circle's activity must not leak in.
    ActionLogFactory(published_at=at(2026, 3, 16, 9))
    return circle


EXPECTED_WEEKS = [0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 2]
# Responses (not hidden, on logs not hidden) by the week they were written: L1's two, L2's,
# L9's visible one and L4's; L7's is from before the window.
EXPECTED_RESPONSES = [0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1]


def test_health_figures_match_the_hand_built_circle(known):
    health = circle_health(circle=known)
    assert health.weeks[0] == date(2025, 12, 29) and health.weeks[-1] == date(2026, 3, 16)
    assert health.active_members == 7
    assert health.logs_per_week == EXPECTED_WEEKS
    assert health.responses_per_week == EXPECTED_RESPONSES
    assert sum(health.responses_per_week) == sum(n for _, n in health.responses_by_kind)
    assert health.logs_in_window == 6
    assert health.logs_answered == 3
    assert health.response_rate_percent == 50
    assert health.median_first_response == timedelta(hours=8)
    assert health.median_hours == 8.0
    assert health.median_display == "8 hours"
    assert [m.name for m in health.silent_members] == ["Dee", "Gus"]
    assert health.silent_members[0].last_active_at == at(2026, 2, 20, 8)
    assert health.silent_members[1].last_active_at is None
    assert [log.title for log in health.unanswered_logs] == ["L7", "L3", "L4"]
    assert health.responses_by_kind == [
        ("Question", 2), ("Reflection", 2), ("Resource", 0), ("Suggestion", 1),
    ]  # fmt: skip


def test_health_page_shows_the_figures_chart_and_table(client, known):
    client.force_login(known.memberships.get(kind="facilitator").member)
    page = client.get(reverse("facilitation:health", args=["known"])).content.decode()
    assert re.search(r'id="fig-members">\s*7<', page)
    assert re.search(r'id="fig-rate">\s*50%', page)
    assert re.search(r'id="fig-wait">\s*8 hours<', page)
    assert re.search(r'id="fig-silent">\s*2<', page) and "Dee" in page and "Gus" in page
    assert re.search(r'id="fig-unanswered">\s*3<', page)
    # The chart: an SVG image with a title and a description, and a table beside it, with
    # the logs and the responses of each week.
    svg = re.search(r'<svg class="bar-chart" id="activity-per-week".*?</svg>', page, re.S)[0]
    assert 'role="img"' in svg
    title = "Logs and responses per week, last 12 weeks"
    assert f'<title id="activity-per-week-title">{title}</title>' in svg
    assert "<desc " in svg and "6 logs and 5 responses in all" in svg
    logs = [int(v) for v in re.findall(r'class="bar-value series-0"[^>]*>(\d+)<', svg)]
    responses = [int(v) for v in re.findall(r'class="bar-value series-1"[^>]*>(\d+)<', svg)]
    assert (logs, responses) == (EXPECTED_WEEKS, EXPECTED_RESPONSES)
    table = re.search(r'<table id="activity-per-week-table">.*?</table>', page, re.S).group(0)
    assert re.findall(r'<th scope="col">([^<]+)</th>', table) == [
        "Week starting", "Logs", "Responses",
    ]  # fmt: skip
    cells = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td><td>(\d+)</td>', table)
    assert cells == list(zip(weekly_activity_chart(circle_health(circle=known)).labels,
                             map(str, EXPECTED_WEEKS), map(str, EXPECTED_RESPONSES),
                             strict=True))  # fmt: skip
    assert cells[0][0] == "29 Dec" and cells[-1] == ("16 Mar", "2", "1")
    kinds = re.search(r'<table id="responses-by-kind-table">.*?</table>', page, re.S).group(0)
    assert re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', kinds) == [
        ("Question", "2"), ("Reflection", "2"), ("Resource", "0"), ("Suggestion", "1"),
    ]  # fmt: skip


def test_csv_has_the_same_figures(client, known):
    client.force_login(known.memberships.get(kind="facilitator").member)
    response = client.get(reverse("facilitation:health_csv", args=["known"]))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="known-health-2026-03-18.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "name", "value"]
    summary = {name: value for section, name, value in rows if section == "summary"}
    assert summary["active members"] == "7"
    assert summary["logs in window"] == "6"
    assert summary["logs that got a response"] == "3"
    assert summary["response rate (%)"] == "50"
    assert summary["median hours to first response"] == "8.0"
    assert summary["silent members (3 weeks or more)"] == "2"
    assert summary["unanswered logs"] == "3"
    weeks = [(n, int(v)) for s, n, v in rows if s == "logs per week"]
    assert weeks[0] == ("2025-12-29", 0) and [v for _, v in weeks] == EXPECTED_WEEKS
    answers = [(n, int(v)) for s, n, v in rows if s == "responses per week"]
    assert answers[0] == ("2025-12-29", 0) and [v for _, v in answers] == EXPECTED_RESPONSES
    kinds = {n: int(v) for s, n, v in rows if s == "responses by kind"}
    assert kinds == {"Question": 2, "Reflection": 2, "Resource": 0, "Suggestion": 1}
    assert [n for s, n, _ in rows if s == "silent member"] == ["Dee", "Gus"]
    assert [n for s, n, _ in rows if s == "unanswered log"] == ["L7", "L3", "L4"]


def test_csv_neutralises_formulas_in_member_text(client, frozen):
    circle = CircleFactory(slug="formula")
    fac = FacilitatorFactory(circle=circle).member
    ActionLogFactory(circle=circle, title='=HYPERLINK("http://evil")')
    ActionLogFactory(circle=circle, title="  @SUM(A1:A9)")
    client.force_login(fac)
    body = client.get(reverse("facilitation:health_csv", args=["formula"])).content.decode()
    assert "'=HYPERLINK" in body
    assert "'  @SUM(A1:A9)" in body  # leading spaces do not smuggle a formula through


@pytest.mark.parametrize(
    ("wait", "words"),
    [
        (timedelta(seconds=20), "1 minute"),
        (timedelta(minutes=35), "35 minutes"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=30, minutes=30), "30.5 hours"),
        (timedelta(days=3, hours=12), "3.5 days"),
    ],
)
def test_median_wait_in_words(wait, words):
    from facilitation.selectors import Health

    health = Health(circle=None, now=NOW, weeks=[], median_first_response=wait)
    assert health.median_display == words


def test_empty_circle_has_no_rate_and_no_median(frozen):
    circle = CircleFactory(slug="empty", created_at=LONG_AGO)
    FacilitatorFactory(circle=circle)
    health = circle_health(circle=circle)
    assert health.response_rate is None and health.median_first_response is None
    assert health.logs_per_week == [0] * 12


def test_a_young_circles_weeks_start_at_its_creation(client, frozen):
    """A circle created on Tuesday 3 March: its chart shows that week and the two since,
    not seven empty weeks from before it existed."""
    circle = CircleFactory(slug="young", created_at=at(2026, 3, 3, 15))
    fac = FacilitatorFactory(circle=circle, joined_at=at(2026, 3, 3, 15)).member
    log = ActionLogFactory(circle=circle, published_at=at(2026, 3, 10, 9))
    ResponseFactory(log=log, author=fac, created_at=at(2026, 3, 16, 9))
    health = circle_health(circle=circle)
    assert health.weeks == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    assert (health.logs_per_week, health.responses_per_week) == ([0, 1, 0], [0, 0, 1])
    client.force_login(fac)
    page = client.get(reverse("facilitation:health", args=["young"])).content.decode()
    assert "Logs and responses per week, last 3 weeks" in page
    assert "The last 3 weeks, from the week starting 2 March 2026" in page


def test_a_circle_created_this_week_shows_this_week(frozen):
    circle = CircleFactory(slug="new", created_at=NOW)
    health = circle_health(circle=circle)
    assert health.weeks == [date(2026, 3, 16)]
    assert weekly_activity_chart(health).title == "Logs and responses this week"


def test_activity_from_before_the_circle_was_created_is_still_shown(frozen):
    """Logs brought in with a circle (dated before its row was made) are never cut off."""
    circle = CircleFactory(slug="imported", created_at=NOW)
    ActionLogFactory(circle=circle, published_at=at(2026, 2, 4, 9))
    health = circle_health(circle=circle)
    assert health.weeks[0] == date(2026, 2, 2)
    assert sum(health.logs_per_week) == health.logs_in_window == 1


def test_a_circle_older_than_the_window_shows_twelve_weeks(frozen):
    circle = CircleFactory(slug="old", created_at=at(2024, 1, 1, 9))
    assert len(circle_health(circle=circle).weeks) == 12


def _busy_circle(slug: str, n: int):
    circle = CircleFactory(slug=slug)
    fac = FacilitatorFactory(circle=circle, joined_at=LONG_AGO).member
    for i in range(n):
        member = MembershipFactory(circle=circle, joined_at=LONG_AGO).member
        log = ActionLogFactory(circle=circle, author=member, published_at=NOW - timedelta(days=i))
        if i % 2:
            ResponseFactory(log=log, author=fac, created_at=NOW - timedelta(days=i, hours=-2))
    return fac


def test_health_page_query_count_does_not_grow(client, frozen, django_assert_num_queries):
    few = _busy_circle("few", 1)
    many = _busy_circle("many", 25)
    counts = []
    for slug, fac in (("few", few), ("many", many)):
        client.force_login(fac)
        # user with profile, circle, the facilitator's membership, 4 health
        # queries (logs in window, members with their latest activity, unanswered with
        # their count, kinds), 2 queue counts (the session from the cache)
        with django_assert_num_queries(10) as ctx:  # with the bell
            assert client.get(reverse("facilitation:health", args=[slug])).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts == [10, 10]


def test_staff_overview_sorts_by_each_column(client, known):
    CircleFactory(name="Aardvark circle", slug="aardvark")
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    url = reverse("facilitation:health_overview")
    page = client.get(url).content.decode()
    assert page.index("Aardvark circle") < page.index("Known numbers")
    page = client.get(url, {"sort": "unanswered", "dir": "desc"}).content.decode()
    assert page.index("Known numbers") < page.index("Aardvark circle")
    assert 'aria-sort="descending"' in page
    for key in ("members", "logs", "rate", "wait", "silent", "unanswered", "name", "bogus"):
        assert client.get(url, {"sort": key}).status_code == 200
    rows = {h.circle.slug: h for h in health_overview()}
    known_row = rows["known"]
    assert (known_row.active_members, known_row.logs_in_window, known_row.response_rate_percent,
            known_row.median_hours, known_row.silent_count, known_row.unanswered_count) == (
        7, 6, 50, 8.0, 2, 3)  # fmt: skip
    assert [h.circle.slug for h in health_overview(sort="silent", descending=True)][0] == "known"


def test_staff_overview_is_for_staff_only(client, known):
    client.force_login(known.memberships.get(kind="facilitator").member)
    assert client.get(reverse("facilitation:health_overview")).status_code == 404


def test_staff_overview_query_count_does_not_grow(client, frozen, django_assert_num_queries):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    url = reverse("facilitation:health_overview")
    _busy_circle("one", 2)
    counts = []
    for extra in (0, 8):
        for i in range(extra):
            _busy_circle(f"more-{i}", 3)
        cache.clear()  # the bell's count is read each time, not from the cache
        # session, user, her profile (time zone), circles, logs in window, members,
        # unanswered counts
        with django_assert_num_queries(7) as ctx:  # with the bell
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts == [7, 7]


def test_staff_find_the_overview_in_the_navigation(client, world):
    url = reverse("facilitation:health_overview")
    client.force_login(world.staff)
    assert url in client.get(reverse("dashboard")).content.decode()
    client.force_login(world.facilitator)
    assert url not in client.get(reverse("dashboard")).content.decode()


def test_replies_are_no_kind_and_answer_a_log_only_from_a_peer(known):
    l4 = ActionLog.objects.get(title="L4")  # only its author's reflection so far
    own = l4.responses.get()
    ResponseFactory(
        log=l4, parent=own, author=l4.author, kind="reply", created_at=at(2026, 3, 18, 9)
    )
    assert [log.title for log in circle_health(circle=known).unanswered_logs] == [
        "L7", "L3", "L4",
    ]  # fmt: skip
    peer = Membership.objects.get(circle=known, member__profile__display_name="Ann").member
    ResponseFactory(log=l4, parent=own, author=peer, kind="reply", created_at=at(2026, 3, 18, 10))

    health = circle_health(circle=known)

    assert [log.title for log in health.unanswered_logs] == ["L7", "L3"]
    assert health.logs_answered == 4
    assert health.responses_by_kind == [
        ("Question", 2), ("Reflection", 2), ("Resource", 0), ("Suggestion", 1),
    ]  # fmt: skip
    assert health.responses_per_week == EXPECTED_RESPONSES  # replies are not counted
