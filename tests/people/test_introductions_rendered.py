"""An introduction is written in Markdown like everything else: "New in the circle", the
people page and her profile show it rendered, never its raw marks or markup."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

WRITTEN = (
    "I run **Ward 7** (_acute medicine_).\n\n"
    "- nil by mouth audits\n- safe staffing\n\n"
    "Our rota: https://nhs.sharepoint.com/sites/Ward7/Rota.xlsx <script>alert(1)</script>"
)


def test_an_introduction_is_shown_rendered_wherever_it_appears(client, people):
    client.force_login(people.member)
    client.post(reverse("circles:introduce", args=["ward-north"]), {"introduction": WRITTEN})
    client.force_login(people.author)

    pages = {
        "feed": client.get(people.circle.get_absolute_url()),
        "people": client.get(reverse("circles:people", args=["ward-north"])),
        "profile": client.get(reverse("people:profile", args=[people.member.pk])),
    }

    for where, response in pages.items():
        page = response.content.decode()
        assert "<strong>Ward 7</strong>" in page, where
        assert "<em>acute medicine</em>" in page, where
        assert "<li>nil by mouth audits</li>" in page, where
        assert (
            '<a href="https://nhs.sharepoint.com/sites/Ward7/Rota.xlsx" rel="nofollow noopener">'
            in page
        ), where
        for raw in ("**Ward 7**", "_acute medicine_", "- nil by mouth", "<script>alert(1)"):
            assert raw not in page, (where, raw)
    assert "New in the circle" in pages["feed"].content.decode()


def test_an_introduction_is_stored_rendered_beside_its_source(people):
    from members.services import introduction_save

    profile = introduction_save(user=people.member, text="Matron, **North West**.")

    profile.refresh_from_db()
    assert profile.introduction_html == "<p>Matron, <strong>North West</strong>.</p>\n"


def test_introductions_written_before_are_rendered_by_the_migration(people):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    from members.models import Profile
    from school.text import render_markdown

    Profile.objects.filter(user=people.member).update(introduction=WRITTEN, introduction_html="")

    migration = importlib.import_module(
        "members.migrations.0007_profile_introduction_html_backfill"
    )
    migration.fill_html(apps, SimpleNamespace(connection=connection))

    profile = Profile.objects.get(user=people.member)
    assert profile.introduction_html == render_markdown(WRITTEN) != ""
