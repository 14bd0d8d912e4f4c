"""A bare URL in a reflective account (a pasted SharePoint or Teams link) is a link, its
text the whole URL, marked ``rel="nofollow noopener"``, in accounts saved now and, through
the data migration, in accounts saved before."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from record.models import ReflectiveAccount
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SHAREPOINT = "https://nhs.sharepoint.com/sites/Ward7/Shared%20Documents/Audit.xlsx?web=1"
LINK = f'<a href="{SHAREPOINT}" rel="nofollow noopener">'


def _account(**text):
    return ReflectiveAccount.objects.create(
        member=UserFactory(),
        title="Falls audit",
        event_date="2026-10-01",
        nature=text.get("nature", "The audit."),
        learning=text.get("learning", "Learnt."),
        changed=text.get("changed", "Changed."),
    )


def test_a_pasted_url_in_an_account_is_a_link_its_text_the_whole_url():
    account = _account(nature=f"The audit: {SHAREPOINT}", learning="See www.england.nhs.uk.")

    assert LINK in account.nature_html
    assert "Shared Documents/Audit.xlsx?web=1</a>" in account.nature_html
    assert (
        '<a href="http://www.england.nhs.uk" rel="nofollow noopener">www.england.nhs.uk</a>'
        in account.learning_html
    )


def test_a_url_in_code_or_in_a_link_in_an_account_is_left_as_it_is():
    account = _account(nature=f"`{SHAREPOINT}` and [the audit]({SHAREPOINT})")

    assert account.nature_html.count("<a ") == 1
    assert f"<code>{SHAREPOINT}</code>" in account.nature_html


def test_accounts_saved_before_get_their_links_from_the_migration():
    account = _account(nature=f"The audit: {SHAREPOINT}\r\nLine two", changed="Nothing.")
    linked = {"nature": account.nature_html, "changed": account.changed_html}
    ReflectiveAccount.objects.filter(pk=account.pk).update(
        nature_html=f"<p>The audit: {SHAREPOINT}<br>\nLine two</p>\n"
    )

    migration = importlib.import_module("circles.migrations.0015_linkify_stored_html")
    migration.linkify_rows(apps, SimpleNamespace(connection=connection))

    account.refresh_from_db()
    assert account.nature_html == linked["nature"]
    assert LINK in account.nature_html
    assert account.changed_html == linked["changed"]
