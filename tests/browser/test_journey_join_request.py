"""Journey 3: a member asks to join a circle with an entry question; the facilitator admits."""

import pytest
from playwright.sync_api import expect

from circles.models import Membership
from tests.browser.helpers import check_page, no_page_reload, person, role, sign_in
from tests.factories import PASSWORD, CircleFactory, FacilitatorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "What is one thing about handovers you would like to change?"


def test_member_requests_to_join_and_the_facilitator_admits_them(open_page):
    nurse = role("Ward manager / senior nurse")
    circle = CircleFactory(
        name="Handover practice", slug="handover", join_policy="request", entry_question=QUESTION
    )
    circle.roles.add(nurse)
    grace = person("Grace Okafor", nurse, email="grace@example.org")
    FacilitatorFactory(circle=circle, member=grace)
    person("Asha Patel", nurse, email="asha@example.org")

    # Asha finds the circle and answers its entry question.
    asha = open_page()
    sign_in(asha, email="asha@example.org", password=PASSWORD)
    asha.goto("/circles/")
    check_page(asha, heading="Find a learning circle")
    asha.get_by_role("link", name="Handover practice").click()
    check_page(asha, heading="Handover practice")
    # An empty answer is refused with a message, and nothing is sent.
    asha.get_by_role("button", name="Ask to join").click()
    asha.wait_for_url("**/handover/request/")
    check_page(asha, heading="Ask to join Handover practice")
    expect(asha.get_by_role("alert")).to_contain_text("There is a problem")
    assert not Membership.objects.filter(circle=circle, member__email="asha@example.org").exists()

    asha.get_by_label(QUESTION).fill("Handovers that finish on time, with the board in view.")
    asha.get_by_role("button", name="Ask to join").click()
    asha.wait_for_url("**/circles/handover/")
    check_page(asha, heading="Handover practice")
    expect(asha.get_by_role("status")).to_contain_text("Your request to join Handover practice")
    expect(asha.get_by_text("Your request to join is waiting for a facilitator.")).to_be_visible()

    # Grace, the facilitator, sees the request with the answer and admits Asha in place.
    facilitator = open_page()
    sign_in(facilitator, email="grace@example.org", password=PASSWORD)
    facilitator.goto("/circles/handover/")
    check_page(facilitator, heading="Handover practice")
    requests = facilitator.get_by_role("region", name="Requests to join")
    expect(requests).to_contain_text("Handovers that finish on time, with the board in view.")
    queue_link = facilitator.get_by_role("navigation", name="Facilitating this circle").get_by_role(
        "link", name="Moderation queue"
    )
    places = facilitator.locator("#circle-places")
    expect(queue_link).to_have_text("Moderation queue 1 waiting")
    expect(places).to_have_text(f"1 of {circle.capacity} taken")
    with no_page_reload(facilitator):
        requests.get_by_role("button", name="Admit Asha Patel").click()
        expect(requests.get_by_role("status")).to_contain_text(
            "Asha Patel is now a member of Handover practice"
        )
        # Every place on the page that counts her follows the decision.
        expect(queue_link).to_have_text("Moderation queue")
        expect(places).to_have_text(f"2 of {circle.capacity} taken")
    expect(requests).to_contain_text("No requests are waiting.")
    check_page(facilitator, heading="Handover practice")

    # Asha is a member now.
    asha.reload()
    check_page(asha, heading="Handover practice")
    expect(asha.get_by_text("You are a member of this circle.")).to_be_visible()
    assert circle.memberships.get(member__email="asha@example.org").state == "active"


def test_facilitator_makes_an_invite_link_and_a_member_joins_through_it(open_page):
    nurse = role("Ward manager / senior nurse")
    circle = CircleFactory(name="Night shift leads", slug="night-shift", join_policy="invite")
    grace = person("Grace Okafor", nurse, email="grace@example.org")
    FacilitatorFactory(circle=circle, member=grace)
    person("Ben Adeyemi", nurse, email="ben@example.org")

    facilitator = open_page()
    sign_in(facilitator, email="grace@example.org", password=PASSWORD)
    facilitator.goto("/circles/night-shift/")
    check_page(facilitator, heading="Night shift leads")
    facilitator.get_by_role("link", name="Invite links").click()
    check_page(facilitator, heading="Invite links for Night shift leads")
    facilitator.get_by_label("Valid for (days)").fill("7")
    facilitator.get_by_role("button", name="Create an invite link").click()
    expect(facilitator.get_by_role("status")).to_contain_text("New invite link created")
    check_page(facilitator, heading="Invite links for Night shift leads")
    link = facilitator.get_by_label("Invite link 1").input_value()

    # Ben opens the link before signing in, signs in from there and joins.
    ben = open_page()
    ben.goto(link)
    check_page(ben, heading="You are invited to join Night shift leads")
    ben.get_by_role("link", name="Sign in to join").click()
    check_page(ben, heading="Sign in")
    ben.get_by_label("Email").fill("ben@example.org")
    ben.get_by_label("Password").fill(PASSWORD)
    ben.get_by_role("button", name="Sign in").click()
    ben.wait_for_url(link)
    check_page(ben, heading="You are invited to join Night shift leads")
    ben.get_by_role("button", name="Join Night shift leads").click()
    ben.wait_for_url("**/circles/night-shift/")
    check_page(ben, heading="Night shift leads")
    expect(ben.get_by_text("You are a member of this circle.")).to_be_visible()
    assert circle.memberships.get(member__email="ben@example.org").state == "active"
