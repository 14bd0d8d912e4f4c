"""In a real browser: the share form offers no tick past an NHS number, and a lesson whose
author has deleted her account says why it takes no more questions. Both pass axe and fit
a phone; screenshots at 375 px and 1280 px go to test-artifacts/."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from privacy.services.erasure import erasure_request
from tests.browser.helpers import check_page, person, role, save_screenshots, sign_in
from tests.factories import (
    PASSWORD,
    ActionLogFactory,
    CircleFactory,
    LessonFactory,
    MembershipFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NHS = "943 476 5919"
TITLE = "Handover huddle at the board"


def test_an_nhs_number_must_be_removed_before_sharing(open_page):
    nurse = role("Ward manager / senior nurse")
    asha = person("Asha Patel", nurse)
    circle = CircleFactory(name="Safer staffing on the ward", slug="safer-staffing")
    MembershipFactory(circle=circle, member=asha)
    log = ActionLogFactory(
        circle=circle, author=asha, title=TITLE, outcome=f"Mrs Jones ({NHS}) went home by noon."
    )
    page = open_page()
    sign_in(page, email="asha@example.org", password=PASSWORD)
    page.goto(reverse("commons:share", args=[log.pk]))
    check_page(page, heading="Share a lesson to the commons")
    findings = page.get_by_role("region", name="Check before you share")
    expect(findings).to_contain_text(f"NHS number: “{NHS}” in What happened — must be removed")
    expect(findings).to_contain_text("Name of a person: “Mrs Jones”")
    expect(page.get_by_label("I have checked what was found above")).to_have_count(0)
    save_screenshots(page, "commons-share-nhs-number")


def test_a_lesson_whose_author_left_takes_no_questions_and_says_why(open_page):
    nurse = role("Ward manager / senior nurse")
    asha = person("Asha Patel", nurse)
    omar = person("Omar Haddad", role("City official", sector="local_government"))
    lesson = LessonFactory(source_log=ActionLogFactory(author=asha, title=TITLE), title=TITLE)
    erasure_request(member=asha, mode="anonymise")
    page = open_page()
    sign_in(page, email=omar.email, password=PASSWORD)
    page.goto(lesson.get_absolute_url())
    check_page(page, heading=TITLE)
    expect(page.get_by_role("main")).to_contain_text("The author has left the school")
    expect(page.get_by_role("button", name="Send question")).to_have_count(0)
    save_screenshots(page, "commons-lesson-author-left")
