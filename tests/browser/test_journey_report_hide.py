"""Journey 4: a member reports a response; the facilitator finds it in the moderation queue
and hides it with a reason; the member no longer sees it, its author sees why, and the
decision is in the circle's audit log. The facilitator then opens the circle's health."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from facilitation.models import ModerationAction, Report
from notifications.models import ModerationNotification
from notifications.services.moderation import moderation_email_send
from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    assert_rows_read_as_labelled_blocks,
    check_page,
    link_in_last_email,
    no_page_reload,
    person,
    role,
    save_screenshots,
    sign_in,
)
from tests.factories import (
    PASSWORD,
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
    ResponseFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CIRCLE = "Safer staffing on the ward"
TITLE = "Handover huddle at the board"
UNKIND = "Honestly, anyone who needs a board to run a handover should not run a ward."
REASON = "Unkind to a colleague; please ask a question instead."


def assert_chart_text_legible(chart) -> None:
    """Every text in the chart is drawn at 12px or more, no two overlap, and the labels
    end before the axis their bars start from."""
    axis = chart.evaluate("svg => svg.querySelector('.axis').getBoundingClientRect().left")
    labels = chart.evaluate(
        "svg => [...svg.querySelectorAll('.bar-label')].map(t => t.getBoundingClientRect().right)"
    )
    assert max(labels) <= axis, f"a label runs into the bars: {labels} > {axis}"
    boxes = chart.evaluate(
        """svg => [...svg.querySelectorAll('text')].map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, top: r.top, bottom: r.bottom, left: r.left,
                    right: r.right, size: parseFloat(getComputedStyle(t).fontSize)
                                          * r.height / t.getBBox().height};
        })"""
    )
    assert boxes
    small = [b for b in boxes if b["size"] < 12]
    assert not small, f"chart text drawn smaller than 12px: {small}"
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = (
                a["right"] <= b["left"] or b["right"] <= a["left"]
                or a["bottom"] <= b["top"] or b["bottom"] <= a["top"]
            )  # fmt: skip
            assert apart, f"chart texts overlap: {a} and {b}"


def test_member_reports_a_response_and_the_facilitator_hides_it_with_a_reason(open_page):
    nurse = role("Ward manager / senior nurse")
    circle = CircleFactory(name=CIRCLE, slug="safer-staffing", join_policy="open")
    FacilitatorFactory(circle=circle, member=person("Grace Okafor", nurse))
    asha = person("Asha Patel", nurse)
    ben = person("Ben Adeyemi", nurse)
    for member in (asha, ben):
        MembershipFactory(circle=circle, member=member)
    log = ActionLogFactory(circle=circle, author=asha, title=TITLE)
    ResponseFactory(log=log, author=ben, kind="question", body="How long did the huddle take?")
    unkind = ResponseFactory(log=log, author=ben, kind="suggestion", body=UNKIND)

    # Asha reports Ben's unkind response from her log page.
    member = open_page()
    sign_in(member, email="asha@example.org", password=PASSWORD)
    member.goto(log.get_absolute_url())
    check_page(member, heading=TITLE)
    expect(member.get_by_role("heading", name="Responses (2)")).to_be_visible()
    member.locator(f"#response-{unkind.pk}").get_by_role("link", name="Report").click()
    check_page(member, heading="Report a response")
    expect(member.get_by_role("main")).to_contain_text(UNKIND)
    member.get_by_role("radio", name="Disrespectful or unkind").check()
    member.get_by_label("Anything the facilitators should know").fill("It hurt, in front of all.")
    member.get_by_role("button", name="Send report").click()
    member.wait_for_url(f"**{log.get_absolute_url()}#response-{unkind.pk}")
    check_page(member, heading=TITLE)
    expect(member.get_by_role("status")).to_contain_text("The circle's facilitators will look")
    assert Report.objects.get().response == unkind

    # Grace finds it in her circle's moderation queue and hides it with a reason.
    facilitator = open_page()
    sign_in(facilitator, email="grace@example.org", password=PASSWORD)
    facilitator.goto(circle.get_absolute_url())
    check_page(facilitator, heading=CIRCLE)
    tools = facilitator.get_by_role("navigation", name="Facilitating this circle")
    expect(tools.get_by_role("link", name="Moderation queue")).to_have_text(
        "Moderation queue 1 waiting"
    )
    tools.get_by_role("link", name="Moderation queue").click()
    check_page(facilitator, heading="Moderation queue")
    queue_link = facilitator.get_by_role("navigation", name=f"Facilitating {CIRCLE}").get_by_role(
        "link", name="Moderation queue"
    )
    expect(queue_link).to_have_text("Moderation queue 1 waiting")
    bell = facilitator.locator("#bell")
    expect(bell).to_have_text("Notifications 1 unread")  # the report
    item = facilitator.locator("article.queue-item").filter(has_text=UNKIND)
    expect(item).to_contain_text("Asha Patel")
    expect(item).to_contain_text("It hurt, in front of all.")
    # Hiding without a reason is refused in the site's error summary (not a browser bubble).
    item.get_by_role("button", name="Hide").click()
    summary = item.get_by_role("alert")
    expect(summary).to_contain_text("Reason for hiding: Please say why you are hiding it")
    check_page(facilitator, heading="Moderation queue")
    summary.get_by_role("link", name=re.compile("^Reason for hiding")).click()
    expect(item.get_by_label("Reason for hiding")).to_be_focused()
    assert not ModerationAction.objects.exists()
    with no_page_reload(facilitator):
        item.get_by_label("Reason for hiding").fill(REASON)
        item.get_by_role("button", name="Hide").click()
        expect(facilitator.get_by_role("status")).to_contain_text("Hidden.")
        # The count in the navigation and the bell follow the decision, without a reload.
        expect(queue_link).to_have_text("Moderation queue")
        expect(bell).to_have_text("Notifications")
    check_page(facilitator, heading="Moderation queue")
    expect(facilitator.locator("article.queue-item").filter(has_text=UNKIND)).to_have_count(0)

    # The decision is recorded: who, what, why.
    facilitator.get_by_role("link", name="Audit log").click()
    check_page(facilitator, heading="Audit log")
    row = facilitator.get_by_role("row").filter(has_text=REASON)
    expect(row).to_contain_text("Grace Okafor")
    action = ModerationAction.objects.get(verb="hide")
    assert (action.actor.email, action.reason) == ("grace@example.org", REASON)
    nav = facilitator.get_by_role("navigation", name=f"Facilitating {CIRCLE}")

    # On a phone, the audit log and the members table read as labelled blocks, a row each.
    facilitator.set_viewport_size(PHONE)
    assert_rows_read_as_labelled_blocks(
        facilitator.get_by_role("table", name=f"Moderation decisions in {CIRCLE}"),
        labels=["When", "Who", "What", "Why"],
    )
    save_screenshots(facilitator, "audit-log")
    nav.get_by_role("link", name="Members").click()
    check_page(facilitator, heading="Members")
    assert_rows_read_as_labelled_blocks(
        facilitator.get_by_role("table", name=f"Active members of {CIRCLE}"),
        labels=["Role in the circle", "Joined", "Actions"],
    )
    expect(facilitator.get_by_role("row").filter(has_text="Ben Adeyemi")).to_contain_text(
        "Role in the circle"
    )
    save_screenshots(facilitator, "members")
    facilitator.set_viewport_size(DESKTOP)

    # And the circle's health page opens, with its chart and table: logs and responses of
    # each week since the circle began, readable on a phone.
    nav.get_by_role("link", name="Health").click()
    check_page(facilitator, heading="Health")
    chart = facilitator.get_by_role("img", name="Logs and responses this week")
    expect(chart).to_be_visible()
    table = facilitator.get_by_role("table", name="Logs and responses this week, as a table")
    expect(table.get_by_role("columnheader")).to_have_text(["Week starting", "Logs", "Responses"])
    expect(table.get_by_role("cell")).to_have_text(["1", "1"])  # the hidden one is not counted
    for viewport in (PHONE, {"width": 320, "height": 740}, DESKTOP):
        facilitator.set_viewport_size(viewport)
        for name in ("Logs and responses this week", "Responses by kind"):
            assert_chart_text_legible(facilitator.get_by_role("img", name=name))
    save_screenshots(facilitator, "health")

    # Asha no longer sees the response; the question that was not reported is still there.
    member.reload()
    check_page(member, heading=TITLE)
    expect(member.get_by_text(UNKIND)).to_have_count(0)
    expect(member.get_by_text("How long did the huddle take?")).to_be_visible()
    expect(member.get_by_role("heading", name="Responses (1)")).to_be_visible()

    # Ben, its author, is told by email (the worker's job, done here) with Grace's reason,
    # follows its link and sees the response marked hidden, the reason ended once.
    moderation_email_send(notification_id=ModerationNotification.objects.get().pk)
    [told] = [m for m in mail.outbox if m.to == ["ben@example.org"]]
    assert told.subject == f"A facilitator hid your response to “{TITLE}”"
    assert REASON in told.body
    author = open_page()
    sign_in(author, email="ben@example.org", password=PASSWORD)
    author.goto(link_in_last_email(to="ben@example.org", pattern="/circles/"))
    check_page(author, heading=TITLE)
    banner = author.locator(f"#response-{unkind.pk} .message-warning")
    expect(banner).to_contain_text(f"Hidden by a facilitator: {REASON} Only its author")
    expect(banner).not_to_contain_text("..")
