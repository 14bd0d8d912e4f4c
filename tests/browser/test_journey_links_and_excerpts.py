"""A pasted SharePoint link becomes a link on the log's page (its whole address, kept out
of search engines' reach and away from the opener), and the author's notifications say
what was said: the first words of the response, not only who wrote. At 1280 and 375 px,
every page passing axe."""

import pytest
from playwright.sync_api import expect

from circles.services.logs import log_create
from tests.browser.helpers import check_page, person, save_screenshots, sign_in
from tests.factories import PASSWORD, CircleFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CIRCLE = "Safer staffing on the ward"
TITLE = "The rota in one place"
PASTED = (
    "https://nhs.sharepoint.com/sites/WardSeven/Shared%20Documents/Safe%20staffing"
    "/rota-2026.xlsx?d=w1a2b3c4&csf=1&web=1"
)
SAID = (
    "Did the bank staff see the rota before the weekend? Ours only saw it on Friday "
    "afternoon, which was too late to swap shifts, so we started posting it on Wednesdays "
    "and the gaps halved."
)


@pytest.fixture
def log():
    circle = CircleFactory(name=CIRCLE, slug="safer-staffing")
    asha, ben = person("Asha Patel"), person("Ben Adeyemi")
    for member in (asha, ben):
        MembershipFactory(circle=circle, member=member)
    data = {
        "title": TITLE,
        "situation": f"The rota lives in three places. I put it in one: {PASTED}",
        "action": "Asked the bank office to read it from there.",
    }
    return log_create(author=asha, circle=circle, data=data, tags=[], publish=True)


def test_a_pasted_link_is_a_link_and_her_notification_says_what_was_said(open_page, log):
    ben = open_page()
    sign_in(ben, email="ben@example.org", password=PASSWORD)
    ben.goto(log.get_absolute_url())
    check_page(ben, heading=TITLE)
    # Its text is the whole address as a person reads it (spaces rather than %20).
    link = ben.get_by_role("link", name="https://nhs.sharepoint.com/sites/WardSeven/Shared")
    expect(link).to_have_attribute("href", PASTED)
    expect(link).to_have_attribute("rel", "nofollow noopener")
    expect(link).to_contain_text("rota-2026.xlsx?d=w1a2b3c4&csf=1&web=1")
    save_screenshots(ben, "pasted-link-log-page")

    ben.get_by_label("Your response").fill(SAID)
    ben.get_by_role("button", name="Post response").click()
    expect(ben.locator("#responses")).to_contain_text("Did the bank staff see the rota")

    asha = open_page()
    sign_in(asha, email="asha@example.org", password=PASSWORD)
    asha.goto("/notifications/")
    check_page(asha, heading="Notifications")
    notification = asha.locator("li.notification").filter(has_text="Ben Adeyemi")
    excerpt = SAID[:100]
    expect(notification).to_contain_text(excerpt)
    expect(notification).not_to_contain_text("the gaps halved")  # 140 characters, no more
    save_screenshots(asha, "notification-excerpt")
