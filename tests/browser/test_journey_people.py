"""Journey 7: a member opens her circle's people page, reads a colleague's profile,
mentions her in a response; the colleague sees the bell, follows it to the response, and
the count drops.

Asha mentions Ben in a response (with JavaScript she picks his name from the suggestions
that appear as she types "@Be"; without it she types it out). Ben sees "Notifications 1"
in the header, opens the notifications page and the notification, lands on Asha's
response, and the bell is empty again. He then opens the circle's people page and Asha's
profile from it. With the mouse, and with the keyboard alone with JavaScript on and off;
every page passes axe."""

import pytest
from playwright.sync_api import expect

from circles.models import Response
from notifications.models import Notification, Verb
from tests.browser.helpers import Keyboard, Mouse, check_page, person, role, sign_in
from tests.factories import (
    PASSWORD,
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CIRCLE = "Safer staffing on the ward"
TITLE = "Board at handover"


@pytest.fixture
def circle():
    nurse = role("Ward manager / senior nurse")
    circle = CircleFactory(name=CIRCLE, slug="safer-staffing", join_policy="open")
    grace = person("Grace Okafor", nurse)
    FacilitatorFactory(circle=circle, member=grace)
    for name in ("Asha Patel", "Ben Adeyemi"):
        member = person(name, nurse)
        member.profile.introduction_answered_at = member.profile.created_at
        member.profile.organisation = "St Mary's Hospital"
        member.profile.bio = f"{name.split()[0]} runs a surgical ward."
        member.profile.save()
        MembershipFactory(circle=circle, member=member)
    ActionLogFactory(circle=circle, author=grace, title=TITLE)
    return circle


def walk(open_page, hands, *, javascript: bool = True):
    # --- Asha mentions Ben in a response ------------------------------------------------------
    asha = open_page(java_script_enabled=javascript)
    me = hands(asha)
    sign_in(asha, email="asha@example.org", password=PASSWORD, hands=hands)
    asha.goto("/circles/safer-staffing/")
    check_page(asha, heading=CIRCLE)
    me.follow(asha.get_by_role("link", name=TITLE))
    check_page(asha, heading=TITLE)
    body = asha.get_by_label("Your response")
    if javascript:
        me.fill(body, "What would you try, @Be")
        suggestions = asha.get_by_role("listbox", name="Members to mention")
        expect(suggestions.get_by_role("option", name="Ben Adeyemi")).to_be_visible()
        asha.keyboard.press("Enter")
        expect(body).to_have_value("What would you try, @Ben Adeyemi ")
        body.press("End")
        asha.keyboard.type("?")
    else:
        me.fill(body, "What would you try, @Ben Adeyemi?")
    me.choose(asha.get_by_role("radio", name="Question"))
    me.press(asha.get_by_role("button", name="Post response"))
    response = asha.locator("#responses .response").filter(has_text="What would you try")
    expect(response.get_by_role("link", name="@Ben Adeyemi")).to_be_visible()
    check_page(asha, heading=TITLE)
    posted = Response.objects.get(body__startswith="What would you try")
    assert Notification.objects.filter(verb=Verb.MENTIONED, response=posted).count() == 1

    # --- Ben sees the bell, opens the notification and lands on the response ---------------
    ben = open_page(java_script_enabled=javascript)
    him = hands(ben)
    sign_in(ben, email="ben@example.org", password=PASSWORD, hands=hands)
    bell = ben.get_by_role("link", name="Notifications 1 unread")
    expect(bell).to_be_visible()
    him.follow(bell)
    check_page(ben, heading="Notifications")
    him.follow(ben.get_by_role("link", name=f"Asha Patel mentioned you in a response to “{TITLE}”"))
    ben.wait_for_url(f"**/logs/*/#response-{posted.pk}")
    check_page(ben, heading=TITLE)
    expect(ben.locator(f"#response-{posted.pk}")).to_contain_text("What would you try")
    expect(ben.get_by_role("link", name="Notifications", exact=True)).to_be_visible()

    # --- Ben opens Asha's profile from the people page ---------------------------------------
    him.follow(ben.get_by_role("link", name=CIRCLE))
    check_page(ben, heading=CIRCLE)
    him.follow(ben.get_by_role("link", name="Who is in this circle"))
    check_page(ben, heading=f"People in {CIRCLE}")
    people = ben.get_by_role("region", name="Members")
    expect(people.get_by_text("Facilitator", exact=True)).to_be_visible()
    him.follow(people.get_by_role("link", name="Asha Patel"))
    check_page(ben, heading="Asha Patel")
    expect(ben.get_by_text("Asha runs a surgical ward.")).to_be_visible()
    expect(ben.get_by_role("link", name=CIRCLE)).to_be_visible()


def test_a_mention_reaches_a_colleague_through_the_bell(open_page, circle):
    walk(open_page, Mouse)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_the_same_journey_with_the_keyboard_alone(open_page, circle, javascript):
    walk(open_page, Keyboard, javascript=javascript)
