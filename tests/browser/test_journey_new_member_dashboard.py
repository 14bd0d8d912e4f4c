"""A new member in no circle yet: her dashboard leads with the circles for her role, open
ones first, and shows nothing that needs a circle; once she has joined one, her own work
comes first and the other circles for her role move to the end."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import check_page, person, role, save_screenshots, sign_in
from tests.factories import PASSWORD, CircleFactory, FacilitatorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_member_dashboard_leads_with_circles_for_her_role(open_page):
    nurse = role("Ward manager / senior nurse")
    grace = person("Grace Okafor", nurse)
    for name, slug, policy in (
        ("A night shift leads' circle", "night-shift", "invite"),
        ("Bedside handover", "bedside", "request"),
        ("Safer staffing on the ward", "safer-staffing", "open"),
    ):
        circle = CircleFactory(name=name, slug=slug, join_policy=policy, entry_question="Why?")
        circle.roles.add(nurse)
        FacilitatorFactory(circle=circle, member=grace)
    CircleFactory(name="Street services", slug="street", join_policy="open").roles.add(
        role("City official — service delivery", sector="public")
    )
    person("Asha Patel", nurse)

    page = open_page()
    sign_in(page, email="asha@example.org", password=PASSWORD)
    page.goto("/dashboard/")
    check_page(page, heading="Welcome, Asha Patel")
    main = page.get_by_role("main")
    headings = main.locator("h2")
    expect(headings.first).to_have_text("Circles for your roles")
    expect(main).not_to_contain_text("Every log in your circles has had a response")
    expect(main.get_by_role("heading", name="Waiting for a response")).to_have_count(0)
    expect(main.get_by_role("heading", name="Your open commitments")).to_have_count(0)
    expect(main.get_by_role("heading", name="Your drafts")).to_have_count(0)
    for_roles = page.get_by_role("region", name="Circles for your roles")
    expect(for_roles).to_contain_text("Start by joining a circle")
    expect(for_roles.locator("h3")).to_have_text(
        ["Safer staffing on the ward", "Bedside handover", "A night shift leads' circle"]
    )
    expect(for_roles.get_by_role("link", name="Street services")).to_have_count(0)
    page.set_viewport_size({"width": 375, "height": 740})
    check_page(page, heading="Welcome, Asha Patel")
    save_screenshots(page, "dashboard-new-member")

    # She joins the open circle; her dashboard now starts with her circles' work.
    for_roles.get_by_role("link", name="Safer staffing on the ward").click()
    check_page(page, heading="Safer staffing on the ward")
    page.get_by_role("button", name="Join Safer staffing on the ward").click()
    expect(page.get_by_role("status").get_by_text("Welcome to Safer staffing")).to_be_visible()
    check_page(page, heading="Safer staffing on the ward")
    page.goto("/dashboard/")
    check_page(page, heading="Welcome, Asha Patel")
    expect(headings.first).to_have_text("Waiting for a response")
    expect(headings.last).to_have_text("Circles for your roles")
    expect(page.get_by_role("region", name="Circles for your roles").locator("h3")).to_have_text(
        ["Bedside handover", "A night shift leads' circle"]
    )
