"""Back after Publish: the browser fetches the form afresh (pages are never stored) and
refills what she typed; pressing Publish again lands on the log the first press made.
There is still one log."""

import pytest
from playwright.sync_api import expect

from circles.models import ActionLog
from tests.browser.helpers import check_page, person, role, sign_in
from tests.factories import PASSWORD, CircleFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Handover huddle at the board"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_back_then_publish_again_makes_no_second_log(open_page, javascript):
    nurse = role("Ward manager / senior nurse")
    circle = CircleFactory(name="Safer staffing", slug="safer-staffing")
    MembershipFactory(circle=circle, member=person("Asha Patel", nurse))
    page = open_page(java_script_enabled=javascript)
    sign_in(page, email="asha@example.org", password=PASSWORD)
    page.goto("/circles/safer-staffing/logs/new/")
    check_page(page, heading="Write an action log")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Situation").fill("Night-to-day handover overruns by 20 minutes.")
    page.get_by_label("Action (needed to publish)", exact=True).fill("A standing huddle.")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/safer-staffing/logs/*/")
    log = ActionLog.objects.get(title=TITLE)
    expect(page.get_by_role("status")).to_contain_text("Your log is published")

    page.go_back()
    page.wait_for_url("**/safer-staffing/logs/new/")
    expect(page.get_by_label("Title")).to_have_value(TITLE)  # the browser refilled it
    token_now = page.locator('#log-form input[name="once"]').input_value()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    print(
        "DEBUG",
        token_now,
        page.url,
        list(ActionLog.objects.values_list("pk", "title")),
        list(
            __import__("circles.models").models.FormSubmission.objects.values_list(
                "token", flat=True
            )
        ),
    )
    page.wait_for_url(f"**{log.get_absolute_url()}")
    expect(page.get_by_role("status")).to_contain_text("This was already sent")
    check_page(page, heading=TITLE)
    assert ActionLog.objects.filter(title=TITLE).count() == 1
