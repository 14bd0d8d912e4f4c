"""PRODUCT.md journey 5: the author's next step falls due; a nudge asks what happened and
opens a follow-up log that shows the earlier prediction and commitment beside what happened.
"""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from circles.models import ActionLog
from notifications.services.nudges import nudges_send_due
from tests.browser.helpers import check_page, link_in_last_email, person, role, sign_in
from tests.factories import (
    PASSWORD,
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
    ResponseFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EARLIER = "Handover huddle at the board"
PREDICTION = "Handover ends on time three days in five."
COMMITMENT = "Try the board with the weekend team."
FOLLOW_UP = "Weekend huddle: what happened"
LONDON = zoneinfo.ZoneInfo("Europe/London")  # Asha's time zone (the profile's default)


def test_a_commitment_falls_due_and_the_nudge_opens_a_follow_up(open_page):
    nurse = role("Ward manager / senior nurse")
    circle = CircleFactory(name="Safer staffing on the ward", slug="safer-staffing")
    FacilitatorFactory(circle=circle, member=person("Grace Okafor", nurse))
    asha, ben = person("Asha Patel", nurse), person("Ben Adeyemi", nurse)
    for member in (asha, ben):
        MembershipFactory(circle=circle, member=member)
    ten_days_ago = timezone.now() - dt.timedelta(days=10)
    earlier = ActionLogFactory(
        circle=circle,
        author=asha,
        title=EARLIER,
        prediction=PREDICTION,
        next_step=COMMITMENT,
        next_step_due=timezone.localdate() - dt.timedelta(days=1),
        published_at=ten_days_ago,
    )
    ResponseFactory(log=earlier, author=ben, created_at=ten_days_ago)

    # The hourly sweep (its service, run here as the worker would) sends Asha the nudge
    # in her morning.
    nudges_send_due(now=dt.datetime.combine(timezone.localdate(), dt.time(9), LONDON))
    link = link_in_last_email(to="asha@example.org", pattern="/circles/safer-staffing/logs/new/")

    page = open_page()
    sign_in(page, email="asha@example.org", password=PASSWORD)
    commitments = page.get_by_role("region", name="Your open commitments")
    expect(commitments).to_contain_text(COMMITMENT)
    expect(commitments.get_by_text("Overdue")).to_be_visible()

    # The link in the nudge opens a follow-up that shows what she expected and promised.
    page.goto(link)
    check_page(page, heading="Write an action log")
    earlier_card = page.get_by_role("region", name=f"Following up: {EARLIER}")
    expect(earlier_card).to_contain_text(PREDICTION)
    expect(earlier_card).to_contain_text(COMMITMENT)
    page.get_by_label("Title").fill(FOLLOW_UP)
    page.get_by_label("Situation").fill("The weekend team tried the board for two weekends.")
    page.get_by_label("Action (needed to publish)", exact=True).fill(
        "Same huddle, led by the weekend charge nurse."
    )
    page.get_by_label("Outcome").fill("On time on three of four days.")
    page.get_by_label("Insight").fill("Who leads the huddle matters more than the board.")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/safer-staffing/logs/*/")
    check_page(page, heading=FOLLOW_UP)
    expect(page.get_by_role("status")).to_contain_text("Your log is published")

    # The follow-up shows the earlier prediction and commitment beside what happened.
    earlier_card = page.get_by_role("region", name=f"Following up: {EARLIER}")
    expect(earlier_card).to_contain_text(PREDICTION)
    expect(earlier_card).to_contain_text(COMMITMENT)
    expect(page.get_by_role("region", name="Outcome")).to_contain_text("three of four days")
    chain = page.get_by_role("navigation", name="Chain of cycles")
    expect(chain.get_by_role("link", name=EARLIER)).to_be_visible()
    follow_up = ActionLog.objects.get(title=FOLLOW_UP)
    assert follow_up.follows == earlier and follow_up.state == "published"

    # The commitment is kept: it leaves the dashboard.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    check_page(page, heading="Welcome, Asha Patel")
    expect(page.get_by_role("region", name="Your open commitments")).not_to_contain_text(COMMITMENT)
