"""A member's own pages: my logs as chains, profile, email preferences; and what a member
may not see (a peer's draft, a circle they are not in) answers a plain "not found" page."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import check_page, person, role, sign_in
from tests.factories import PASSWORD, ActionLogFactory, CircleFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_reads_my_logs_edits_profile_and_preferences_and_meets_not_found(open_page):
    nurse, matron = role("Ward manager / senior nurse"), role("Matron")
    circle = CircleFactory(name="Safer staffing on the ward", slug="safer-staffing")
    asha, ben = person("Asha Patel", nurse), person("Ben Adeyemi", nurse)
    for member in (asha, ben):
        MembershipFactory(circle=circle, member=member)
    first = ActionLogFactory(circle=circle, author=asha, title="Handover huddle")
    ActionLogFactory(circle=circle, author=asha, title="Weekend huddle", follows=first)
    draft = ActionLogFactory(
        circle=circle, author=asha, title="Rota swaps", state="draft", published_at=None
    )
    elsewhere = CircleFactory(name="Matrons' forum", slug="matrons", join_policy="invite")
    hidden_log = ActionLogFactory(circle=elsewhere, title="Not for outsiders")

    page = open_page()
    sign_in(page, email="asha@example.org", password=PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My logs").click()
    check_page(page, heading="My logs")
    chain = page.get_by_role("region", name="Chain starting with Handover huddle")
    expect(chain.get_by_role("link", name="Weekend huddle")).to_be_visible()
    expect(page.get_by_role("link", name="Rota swaps")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    check_page(page, heading="Your profile")
    page.get_by_label("Organisation", exact=True).fill("Leeds Teaching Hospitals")
    page.get_by_label(matron.name).check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    check_page(page, heading="Your profile")
    asha.profile.refresh_from_db()
    assert asha.profile.organisation == "Leeds Teaching Hospitals"
    assert set(asha.profile.roles.all()) == {nurse, matron}

    page.get_by_role("contentinfo").get_by_role("link", name="Email preferences").click()
    check_page(page, heading="Email preferences")
    page.get_by_label("Nudges").uncheck()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("status")).to_contain_text("Your email preferences are saved.")
    check_page(page, heading="Email preferences")
    asha.profile.refresh_from_db()
    assert asha.profile.nudges_enabled is False and asha.profile.digest_enabled is True

    # Ben may not open Asha's draft, nor a log in a circle he is not in.
    peer = open_page()
    sign_in(peer, email="ben@example.org", password=PASSWORD)
    for log in (draft, hidden_log):
        response = peer.goto(log.get_absolute_url())
        assert response.status == 404
        check_page(peer, heading="Page not found")
        expect(peer.get_by_text(log.title)).to_have_count(0)
