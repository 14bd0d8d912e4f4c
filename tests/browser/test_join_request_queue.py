"""Admitting a request to join, from the moderation queue and from the circle's page, at
1280 px and 375 px: in place, with no CSP violation in the console (the fixture fails the
test on any)."""

import pytest
from playwright.sync_api import expect

from circles.models import Membership
from tests.browser.helpers import PHONE, check_page, no_page_reload, person, role, sign_in
from tests.factories import PASSWORD, CircleFactory, FacilitatorFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize(
    "where, heading",
    [
        ("/facilitate/handover/queue/", "Moderation queue Handover practice"),
        ("/circles/handover/", "Handover practice"),
    ],
    ids=["queue", "circle"],
)
def test_the_facilitator_admits_a_request_in_place(open_page, viewport, where, heading):
    nurse = role("Ward manager / senior nurse")
    circle = CircleFactory(
        name="Handover practice", slug="handover", join_policy="request", entry_question="Why?"
    )
    circle.roles.add(nurse)
    grace = person("Grace Okafor", nurse, email="grace@example.org")
    FacilitatorFactory(circle=circle, member=grace)
    asha = person("Asha Patel", nurse, email="asha@example.org")
    MembershipFactory(circle=circle, member=asha, state="pending", entry_answer="Handovers.")

    page = open_page(viewport=viewport)
    sign_in(page, email="grace@example.org", password=PASSWORD)
    page.goto(where)
    check_page(page, heading=heading)
    requests = page.get_by_role("region", name="Requests to join")
    with no_page_reload(page):
        requests.get_by_role("button", name="Admit Asha Patel").click()
        expect(requests.get_by_role("status")).to_contain_text("Asha Patel is now a member")
    expect(requests).to_contain_text("No requests are waiting.")
    check_page(page, heading=heading)
    assert Membership.objects.get(member=asha, circle=circle).state == "active"
