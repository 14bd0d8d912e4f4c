"""Journey 11: a member downloads everything she has written, then deletes her account
keeping her contributions as "Former member"; her log shows "Former member", her old
password no longer signs in, and her email address can join again."""

import contextlib
import json
import zipfile

import pytest
from playwright.sync_api import Error, expect

from members.models import User
from tests.browser.helpers import check_page, link_in_last_email, person, role, sign_in
from tests.factories import (
    PASSWORD,
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
    ResponseFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The export and the erasure run in a task: here as soon as it is published.
    pytest.mark.usefixtures("tasks_run_at_once"),
]

ASHA = "asha@example.org"
SITUATION = "Night handover on Willow ward overran every day."


@pytest.fixture
def asha_log(settings, tmp_path):
    settings.PRIVACY_EXPORT_DIR = tmp_path / "exports"
    nurse = role("Ward manager / senior nurse")
    circle = CircleFactory(name="Safer staffing on the ward", slug="safer-staffing")
    FacilitatorFactory(circle=circle, member=person("Grace Okafor", nurse))
    asha = person("Asha Patel", nurse, email=ASHA)
    ben = person("Ben Adeyemi", nurse)
    for member in (asha, ben):
        MembershipFactory(circle=circle, member=member)
    log = ActionLogFactory(
        circle=circle, author=asha, title="Handover at the board", situation=SITUATION
    )
    ResponseFactory(log=log, author=ben, body="Thanks Asha Patel: what did nights think?")
    return log


def test_member_exports_her_data_then_deletes_her_account_anonymised(open_page, asha_log):
    page = open_page()
    sign_in(page, email=ASHA, password=PASSWORD)

    # From the footer: her data. She asks for a copy and is told an email will follow.
    page.get_by_role("contentinfo").get_by_role("link", name="Your data").click()
    check_page(page, heading="Your data")
    page.get_by_role("button", name="Email me a copy of my data").click()
    expect(page.get_by_role("status")).to_contain_text("We will email you a link")
    check_page(page, heading="Your data")

    # The email's link downloads the zip; it holds her log and an index.
    link = link_in_last_email(to=ASHA, pattern="/me/data/download/")
    # A download, not a page: the browser aborts the navigation.
    with page.expect_download() as started, contextlib.suppress(Error):
        page.goto(link)
    archive = zipfile.ZipFile(started.value.path())
    assert "index.html" in archive.namelist()
    [log] = json.loads(archive.read("logs.json"))
    assert log["situation"] == SITUATION

    # She deletes her account, keeping her contributions anonymised.
    page.goto("/me/data/")
    check_page(page, heading="Your data")
    page.get_by_role("link", name="Delete my account").click()
    check_page(page, heading="Delete my account")
    page.get_by_label("Keep my logs and responses").check()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    check_page(page, heading="Your account is deleted")
    assert not User.objects.filter(email=ASHA).exists()

    # Her log is still in the circle, by "Former member", with her name taken out.
    ben = open_page()
    sign_in(ben, email="ben@example.org", password=PASSWORD)
    ben.goto(asha_log.get_absolute_url())
    check_page(ben, heading="Handover at the board")
    expect(ben.get_by_role("main")).to_contain_text("Former member")
    expect(ben.get_by_role("main")).not_to_contain_text("Asha")

    # Her old password no longer signs in.
    page.goto("/accounts/login/")
    check_page(page, heading="Sign in")
    page.get_by_label("Email").fill(ASHA)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check_page(page, heading="Sign in")

    # The address is free: she can join again with it.
    page.goto("/accounts/signup/")
    check_page(page)
    page.get_by_label("Email").fill(ASHA)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create your account").click()
    page.wait_for_url("**/accounts/confirm-email/")
    check_page(page, heading="Check your email")
    assert User.objects.filter(email=ASHA).exists()
