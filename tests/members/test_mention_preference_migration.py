"""Mention emails get a preference of their own: a member who had turned off the emails
about responses (which until now covered mentions) keeps mention emails off; everyone
else, and the commons emails, start on."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from members.models import Profile
from tests.factories import UserFactory

BEFORE = [("members", "0007_profile_introduction_html_backfill")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_a_member_who_turned_response_emails_off_keeps_mention_emails_off():
    quiet, keen = UserFactory(), UserFactory()
    Profile.objects.filter(user=quiet).update(response_emails_enabled=False)
    _migrate(BEFORE)
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    prefs = {
        p.user_id: (p.response_emails_enabled, p.mention_emails_enabled, p.commons_emails_enabled)
        for p in Profile.objects.filter(user__in=[quiet, keen])
    }
    assert prefs == {quiet.pk: (False, False, True), keen.pk: (True, True, True)}
