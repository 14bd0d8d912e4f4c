"""Journey 8: a ward manager shares a lesson to the commons as "a ward manager in the North
West"; the identifier check catches an NHS number, which she removes; a city official
finds the lesson by search and asks a question that reaches her without revealing who she
is; she answers from the email's link and the answer appears under the lesson.

Walked with the mouse, and with the keyboard alone with JavaScript on and off."""

import pytest
from playwright.sync_api import expect

from circles.models import ActionLog
from commons.models import Lesson, LessonQuestion
from notifications.services.commons import commons_email_send
from tests.browser.helpers import (
    Keyboard,
    Mouse,
    check_page,
    link_in_last_email,
    person,
    role,
    save_screenshots,
    sign_in,
    tab_to,
)
from tests.factories import PASSWORD, ActionLogFactory, CircleFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Handover huddle at the board"
NHS = "943 476 5919"
QUESTION = "How did you get the night team to stand at the board?"
ANSWER = "I asked the night lead to run it for the first week."
CREDIT = "a ward manager / senior nurse in the North West"


@pytest.fixture
def world():
    nurse = role("Ward manager / senior nurse")
    official = role("City official — service delivery", sector="local_government")
    ward = CircleFactory(name="Safer staffing on the ward", slug="safer-staffing")
    asha = person("Asha Patel", nurse)
    asha.profile.organisation = "St Elsewhere NHS Trust"
    asha.profile.save()
    MembershipFactory(circle=ward, member=asha)
    log = ActionLogFactory(
        circle=ward,
        author=asha,
        title=TITLE,
        situation="Night-to-day handovers overran by twenty minutes.",
        action="A ten-minute standing huddle at a printed board.",
        outcome=f"On time four days out of five; the patient {NHS} was discharged by noon.",
        insight="A board people can point at keeps a huddle short.",
    )
    council = CircleFactory(name="Contact centre leads", slug="contact-centre")
    MembershipFactory(circle=council, member=person("Omar Reyes", official))
    return log


def choose_in_select(page, hands, select, label: str) -> None:
    if hands is Keyboard:
        tab_to(page, select)
        page.keyboard.type(label)
    else:
        select.select_option(label=label)
    expect(select.locator("option:checked")).to_have_text(label)


def walk(open_page, hands, *, javascript: bool = True, screenshots: bool = False):
    log = ActionLog.objects.get(title=TITLE)

    # Asha opens her log and shares its lesson; the check catches the NHS number.
    asha = open_page(java_script_enabled=javascript)
    me = hands(asha)
    sign_in(asha, email="asha@example.org", password=PASSWORD, hands=hands)
    asha.goto(log.get_absolute_url())
    check_page(asha, heading=TITLE)
    me.follow(asha.get_by_role("link", name="Share the lesson to the commons"))
    check_page(asha, heading="Share a lesson to the commons")
    expect(asha.get_by_label("Title")).to_have_value(TITLE)
    findings = asha.get_by_role("region", name="Check before you share")
    expect(findings).to_contain_text(f"NHS number: “{NHS}” in What happened")
    me.fill(asha.get_by_label("What happened"), "On time four days out of five.")
    me.choose(asha.get_by_role("radio", name="As my role and region only"))
    choose_in_select(asha, hands, asha.get_by_label("Your region"), "the North West")
    if screenshots:
        save_screenshots(asha, "commons-share")
    me.press(asha.get_by_role("button", name="Share to the commons"))
    check_page(asha, heading=TITLE)
    expect(asha.get_by_role("main")).to_contain_text(f"From {CREDIT}")
    lesson = Lesson.objects.get()
    assert NHS not in lesson.outcome and lesson.is_anonymous

    # Omar, a city official in another circle, finds it with the search box in the header.
    omar = open_page(java_script_enabled=javascript)
    peer = hands(omar)
    sign_in(omar, email="omar@example.org", password=PASSWORD, hands=hands)
    peer.fill(omar.get_by_role("searchbox", name="Search logs, responses and lessons"),
              "huddle board")  # fmt: skip
    omar.keyboard.press("Enter")
    check_page(omar, heading="Search")
    hit = omar.locator(f"#hit-lesson-{lesson.pk}").locator("..")
    expect(omar.get_by_role("main")).to_contain_text("1 result for")
    expect(hit).to_contain_text(f"from {CREDIT}")
    expect(omar.get_by_role("main")).not_to_contain_text("Asha")
    if screenshots:
        save_screenshots(omar, "commons-search")
    peer.follow(omar.get_by_role("link", name=TITLE))
    check_page(omar, heading=TITLE)
    peer.fill(omar.get_by_label("Your question"), QUESTION)
    peer.press(omar.get_by_role("button", name="Send question"))
    check_page(omar, heading=TITLE)
    expect(omar.get_by_role("status")).to_contain_text("on its way to the author")
    for giveaway in ("Asha", "St Elsewhere", "Safer staffing"):
        expect(omar.get_by_role("main")).not_to_contain_text(giveaway)

    # The email to Asha (the worker's job, done here) takes her to the question; she answers.
    sent = commons_email_send(event="question", pk=LessonQuestion.objects.get().pk)
    assert sent == 1
    asha.goto(link_in_last_email(to="asha@example.org", pattern="/commons/"))
    check_page(asha, heading=TITLE)
    me.fill(asha.get_by_label("Your answer"), ANSWER)
    me.press(asha.get_by_role("button", name="Post answer"))
    check_page(asha, heading=TITLE)
    expect(asha.get_by_role("status")).to_contain_text("Your answer is posted")

    # Omar sees the answer under the lesson, still without learning who she is.
    omar.reload()
    check_page(omar, heading=TITLE)
    expect(omar.get_by_role("main")).to_contain_text(ANSWER)
    expect(omar.get_by_role("main")).not_to_contain_text("Asha")
    if screenshots:
        save_screenshots(omar, "commons-lesson")


def test_a_ward_manager_shares_a_lesson_a_city_official_finds_and_asks(open_page, world):
    walk(open_page, Mouse, screenshots=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_the_same_journey_with_the_keyboard_alone(open_page, world, javascript):
    walk(open_page, Keyboard, javascript=javascript)
