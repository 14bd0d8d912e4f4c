"""Journey 2: a member writes a draft log and publishes it; a peer finds it and asks a
question (it appears without a page reload); the author is emailed, opens the log from the
email, marks the question helpful and answers it with a reply (shown under it, and the
question as answered); the peer is emailed the answer and finds his question answered.

Journey 6: the same journey with the keyboard alone (Tab, Enter, Space), with JavaScript
on and with JavaScript off (plain POST → redirect instead of HTMX).

Writing the log, step by step: a draft needs only a title; publishing names everything
missing and refuses a commitment dated before today; the form is grouped by the cycle's
steps and previews the log (an HTMX tab with JavaScript, a Preview button without).
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from circles.models import ActionLog, LogState, Response
from members.local_time import member_today
from notifications.services.responses import response_emails_send
from tests.browser.helpers import (
    Keyboard,
    Mouse,
    check_page,
    link_in_last_email,
    no_page_reload,
    person,
    role,
    save_screenshots,
    sign_in,
    tab_to,
)
from tests.factories import PASSWORD, CircleFactory, FacilitatorFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CIRCLE = "Safer staffing on the ward"
TITLE = "Handover huddle at the board"
QUESTION = "What did the night team make of standing at the board?"
ANSWER = "They liked it: nights left on time four days out of five."


@pytest.fixture
def circle():
    nurse = role("Ward manager / senior nurse")
    circle = CircleFactory(name=CIRCLE, slug="safer-staffing", join_policy="open")
    circle.roles.add(nurse)
    FacilitatorFactory(circle=circle, member=person("Grace Okafor", nurse))
    for name in ("Asha Patel", "Ben Adeyemi"):
        MembershipFactory(circle=circle, member=person(name, nurse))
    return circle


def walk(open_page, hands, *, javascript: bool = True, screenshots: bool = False):
    """Walk journey 2 with these hands (Mouse or Keyboard), JavaScript on or off."""
    # --- Asha writes a draft, then publishes it ---------------------------------------------
    asha = open_page(java_script_enabled=javascript)
    me = hands(asha)
    sign_in(asha, email="asha@example.org", password=PASSWORD, hands=hands)
    me.follow(asha.get_by_role("link", name=f"write a log in {CIRCLE}"))
    asha.wait_for_url("**/safer-staffing/logs/new/")
    check_page(asha, heading="Write an action log")
    me.fill(asha.get_by_label("Title"), TITLE)
    me.fill(asha.get_by_label("Situation"), "Night-to-day handover overruns by 20 minutes.")
    me.fill(
        asha.get_by_label("Action (needed to publish)", exact=True),
        "A 10-minute standing huddle at a board.",
    )
    me.fill(asha.get_by_label("Prediction"), "Handover ends on time three days in five.")
    me.fill(
        asha.get_by_label("Next step (optional)", exact=True),
        "Try the board with the weekend team.",
    )
    me.fill(asha.get_by_label("Ask"), "Has anyone kept a huddle going past the first month?")
    me.fill(asha.get_by_label("Tags"), "handover, staffing")
    me.press(asha.get_by_role("button", name="Save draft"))
    asha.wait_for_url("**/safer-staffing/logs/*/")
    check_page(asha, heading=TITLE)
    expect(asha.get_by_text("Draft — only you can see it")).to_be_visible()
    log = ActionLog.objects.get(title=TITLE)
    assert log.state == "draft"
    assert sorted(log.tags.names()) == ["handover", "staffing"]

    me.press(asha.get_by_role("button", name="Publish"))
    expect(asha.get_by_role("status")).to_contain_text("Your log is published")
    check_page(asha, heading=TITLE)
    expect(asha.get_by_text("Draft — only you can see it")).to_have_count(0)

    # --- Ben sees it on his dashboard and in the circle's feed, and asks a question ------------
    ben = open_page(java_script_enabled=javascript)
    peer = hands(ben)
    sign_in(ben, email="ben@example.org", password=PASSWORD, hands=hands)
    waiting = ben.get_by_role("region", name="Waiting for a response")
    expect(waiting.get_by_role("link", name=TITLE)).to_be_visible()
    if screenshots:
        save_screenshots(ben, "dashboard")
    peer.follow(ben.get_by_role("complementary").get_by_role("link", name=CIRCLE, exact=True))
    ben.wait_for_url("**/circles/safer-staffing/")
    check_page(ben, heading=CIRCLE)
    feed = ben.get_by_role("region", name="Action logs")
    expect(feed.get_by_role("link", name=TITLE)).to_be_visible()
    if screenshots:
        save_screenshots(ben, "circle-page")
    peer.follow(feed.get_by_role("link", name=TITLE))
    ben.wait_for_url(f"**{log.get_absolute_url()}")
    check_page(ben, heading=TITLE)

    responses = ben.locator("#responses")
    expect(responses).to_contain_text("No responses yet")
    if hands is Keyboard:
        # Posting nothing is refused; the error summary takes the focus, and its link
        # takes the keyboard to the field.
        peer.press(ben.get_by_role("button", name="Post response"))
        summary = ben.get_by_role("alert")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("Your response")
        check_page(ben, heading=TITLE)
        tab_to(ben, summary.get_by_role("link", name=re.compile("^Your response")))
        ben.keyboard.press("Enter")
        expect(ben.get_by_label("Your response")).to_be_focused()
        assert not Response.objects.filter(log=log).exists()
    peer.choose(ben.get_by_role("radio", name="Question"))
    peer.fill(ben.get_by_label("Your response"), QUESTION)
    if javascript:
        with no_page_reload(ben):
            peer.press(ben.get_by_role("button", name="Post response"))
            expect(responses.get_by_role("listitem").filter(has_text=QUESTION)).to_be_visible()
            expect(ben.get_by_label("Your response")).to_have_value("")  # ready for another
    else:
        peer.press(ben.get_by_role("button", name="Post response"))
        expect(ben.get_by_role("status")).to_contain_text("your response is posted")
        expect(responses.get_by_role("listitem").filter(has_text=QUESTION)).to_be_visible()
    expect(ben.get_by_role("heading", name="Responses (1)")).to_be_visible()
    check_page(ben, heading=TITLE)
    response = Response.objects.get(log=log)
    assert (response.kind, response.body) == ("question", QUESTION)

    # --- Asha is emailed, opens the log from the email and marks the question helpful ------
    # The Celery task waits a few minutes to batch a burst of responses; run its service now.
    assert response_emails_send(recipient_id=log.author_id) == 1
    link = link_in_last_email(to="asha@example.org", pattern="/circles/safer-staffing/logs/")
    asha = open_page(tab_of=asha)
    asha.goto(link)
    check_page(asha, heading=TITLE)
    me = hands(asha)
    question = asha.locator(f"#response-{response.pk}")
    expect(question).to_contain_text(QUESTION)
    if javascript:
        with no_page_reload(asha):
            me.press(question.get_by_role("button", name="Mark helpful"))
            expect(question.get_by_text("Helpful", exact=True)).to_be_visible()
    else:
        me.press(question.get_by_role("button", name="Mark helpful"))
        expect(question.get_by_text("Helpful", exact=True)).to_be_visible()
    expect(question.get_by_role("button", name="Unmark helpful")).to_be_visible()
    check_page(asha, heading=TITLE)
    if screenshots:
        save_screenshots(asha, "log-page")
    response.refresh_from_db()
    assert response.helpful_at is not None

    # --- Asha answers Ben's question with a reply: shown under it, and answered -------------
    expect(asha.get_by_role("button", name="Post response")).to_have_count(0)
    expect(asha.get_by_role("radio", name="Question")).to_have_count(0)
    expect(asha.locator("#responses")).not_to_contain_text("what would you ask")
    expect(question.get_by_text("Answered", exact=True)).to_have_count(0)
    me.press(question.locator("summary").filter(has_text="Reply"))
    me.fill(question.get_by_label("Your reply"), ANSWER)
    if javascript:
        with no_page_reload(asha):
            me.press(question.get_by_role("button", name="Post reply"))
            expect(question.locator(".reply").filter(has_text=ANSWER)).to_be_visible()
    else:
        me.press(question.get_by_role("button", name="Post reply"))
        expect(asha.get_by_role("status")).to_contain_text("your reply is posted")
    expect(question.get_by_text("Answered", exact=True)).to_be_visible()
    expect(question.locator(".reply")).to_contain_text(ANSWER)
    expect(asha.get_by_role("heading", name="Responses (1)")).to_be_visible()
    check_page(asha, heading=TITLE)
    if screenshots:
        save_screenshots(asha, "log-page-answered")
    reply = Response.objects.get(parent=response)
    assert (reply.author_id, reply.kind, reply.body) == (log.author_id, "reply", ANSWER)

    # --- Ben is emailed the answer and finds his question answered ---------------------------
    assert response_emails_send(recipient_id=response.author_id) == 1
    link = link_in_last_email(to="ben@example.org", pattern="/circles/safer-staffing/logs/")
    assert link.endswith(f"#response-{reply.pk}")
    ben = open_page(tab_of=ben)
    ben.goto(link)
    check_page(ben, heading=TITLE)
    question = ben.locator(f"#response-{response.pk}")
    expect(question.get_by_text("Answered", exact=True)).to_be_visible()
    expect(question.locator(".reply")).to_contain_text(ANSWER)


def test_member_publishes_a_log_and_a_peer_asks_a_question_the_author_finds_helpful(
    open_page, circle
):
    walk(open_page, Mouse, screenshots=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_the_same_journey_with_the_keyboard_alone(open_page, circle, javascript):
    walk(open_page, Keyboard, javascript=javascript)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_a_draft_needs_a_title_and_publishing_says_what_is_missing(open_page, circle, javascript):
    asha = open_page(java_script_enabled=javascript)
    sign_in(asha, email="asha@example.org", password=PASSWORD)
    asha.goto(f"/circles/{circle.slug}/logs/new/")
    check_page(asha, heading="Write an action log")
    steps = asha.locator("fieldset.log-step > legend")
    expect(steps).to_have_text(
        [
            "What is happening and what I will try",
            "What I expect",
            "What happened",
            "What I learnt",
            "Next step and ask",
            "Tags and earlier log",
        ]
    )
    expect(asha.get_by_text("Markdown")).to_have_count(0)
    expect(asha.get_by_text("you can use **bold**, lists and links")).to_have_count(1)
    asha.get_by_text("Formatting help").click()
    expect(asha.get_by_role("table")).to_contain_text("a numbered list")

    # A draft needs only its title.
    asha.get_by_label("Title").fill(TITLE)
    asha.get_by_role("button", name="Save draft").click()
    asha.wait_for_url("**/safer-staffing/logs/*/")
    check_page(asha, heading=TITLE)
    log = ActionLog.objects.get(title=TITLE)
    assert log.state == LogState.DRAFT and (log.situation, log.action) == ("", "")

    # Publishing it opens the form with every missing field in the error summary.
    asha.get_by_role("button", name="Publish").click()
    summary = asha.get_by_role("alert")
    expect(summary).to_contain_text("Situation: Please fill this in to publish")
    expect(summary).to_contain_text("Action: Please fill this in to publish")
    check_page(asha, heading="Edit your log")
    summary.get_by_role("link", name=re.compile("^Situation")).click()
    expect(asha.get_by_label("Situation (needed to publish)")).to_be_focused()

    # A commitment dated yesterday (in Asha's own time zone) is refused on publish.
    asha.get_by_label("Situation (needed to publish)").fill("Handover is **late** most days.")
    asha.get_by_label("Action (needed to publish)", exact=True).fill("- a board\n- a timer")
    asha.get_by_label("Next step (optional)", exact=True).fill("Try it at the weekend.")
    yesterday = member_today(log.author) - dt.timedelta(days=1)
    asha.get_by_label("Next step due by (optional)").fill(yesterday.isoformat())
    asha.get_by_role("button", name="Publish").click()
    expect(asha.get_by_role("alert")).to_contain_text("Next step due by: This date has passed")
    check_page(asha, heading="Edit your log")
    if javascript:
        save_screenshots(asha, "log-form-errors")
    log.refresh_from_db()
    assert log.state == LogState.DRAFT

    # The preview shows the log as the circle will see it, with the Markdown rendered.
    if javascript:
        expect(asha.get_by_role("button", name="Preview", exact=True)).to_be_hidden()
        write_tab = asha.get_by_role("tab", name="Write")
        preview_tab = asha.get_by_role("tab", name="Preview")
        with no_page_reload(asha):
            write_tab.focus()
            asha.keyboard.press("ArrowRight")
            panel = asha.get_by_role("tabpanel", name="Preview")
            expect(preview_tab).to_have_attribute("aria-selected", "true")
            expect(panel.locator("strong")).to_have_text("late")
            expect(panel.get_by_role("listitem")).to_have_count(2)
            expect(asha.get_by_label("Title")).to_be_hidden()
            check_page(asha, heading="Edit your log")
            save_screenshots(asha, "log-form-preview")
            write_tab.click()
            expect(asha.get_by_label("Title")).to_be_visible()
            expect(panel).to_be_hidden()
    else:
        expect(asha.get_by_role("tab")).to_have_count(0)
        asha.get_by_role("button", name="Preview", exact=True).click()
        preview = asha.get_by_role("region", name="Preview")
        expect(preview.locator("strong")).to_have_text("late")
        expect(preview.get_by_role("listitem")).to_have_count(2)
        check_page(asha, heading="Edit your log")
        expect(asha.get_by_label("Situation (needed to publish)")).to_have_value(
            "Handover is **late** most days."
        )
    log.refresh_from_db()
    assert log.state == LogState.DRAFT and log.situation == ""  # previewing saved nothing

    # With today's date it publishes.
    today = member_today(log.author)
    asha.get_by_label("Next step due by (optional)").fill(today.isoformat())
    asha.get_by_role("button", name="Publish").click()
    expect(asha.get_by_role("status")).to_contain_text("Your log is published")
    check_page(asha, heading=TITLE)
    log.refresh_from_db()
    assert log.state == LogState.PUBLISHED and log.next_step_due == today
