"""Bare URLs in HTML stored before links were made of them (a pasted SharePoint or Teams
link) become links through the data migrations, which change the stored HTML and leave
its @mention links, links, code and everything else as they are."""

import ast
import html
import importlib
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from markdown_it import MarkdownIt

from circles.models import ActionLog, Circle, Response
from circles.services.responses import response_create
from school.text import render_markdown, sanitise_html
from tests.factories import ActionLogFactory, CircleFactory, MembershipFactory

ROOT = Path(__file__).resolve().parents[2]
MIGRATION = "circles.migrations.0015_linkify_stored_html"
APP_PACKAGES = {
    "school", "members", "circles", "notifications", "facilitation", "meetings", "record",
    "privacy", "commons", "search", "tests",
}  # fmt: skip
TEAMS = (
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjA1ZTk2@thread.v2/0"
    "?context=%7b%22Tid%22%3a%22abc%22%7d"
)
SHAREPOINT = "https://nhs.sharepoint.com/sites/Ward7/Shared%20Documents/Rota.xlsx?web=1"
REPORT = "https://intranet.example.nhs.uk/report?ward=7&shift=night"

# Markdown as it was rendered before bare URLs were made links.
_unlinked = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(
    ["strikethrough", "table"]
)


def circles_migration():
    return importlib.import_module(MIGRATION)


def linkify(stored: str) -> str:
    return circles_migration().linkify_html(stored)


def run(migration) -> None:
    migration.linkify_rows(apps, SimpleNamespace(connection=connection))


def rendered_unlinked(source: str) -> str:
    html_ = _unlinked.render(source).replace("<h1>", "<h3>").replace("</h1>", "</h3>")
    return sanitise_html(html_.replace("<h2>", "<h4>").replace("</h2>", "</h4>"))


def link(written: str) -> str:
    """The link that saving ``written`` (a bare URL) makes now."""
    return re.search(r"<a .*?</a>", render_markdown(written)).group(0)


# --- the transform ----------------------------------------------------------------------------


def test_a_bare_url_in_a_paragraph_becomes_a_link_its_text_the_whole_url():
    stored = f"<p>The rota: {SHAREPOINT}</p>\n"

    assert linkify(stored) == f"<p>The rota: {link(SHAREPOINT)}</p>\n"
    assert f'<a href="{SHAREPOINT}" rel="nofollow noopener">https://nhs.sharepoint.com/' in (
        linkify(stored)
    )


def test_a_url_in_a_link_in_code_or_in_pre_is_left_as_it_is():
    stored = (
        f'<p><a href="{SHAREPOINT}" rel="nofollow noopener">the rota</a> and '
        f'<a href="{TEAMS}" rel="nofollow noopener">{TEAMS}</a> and <code>{SHAREPOINT}</code>'
        f"</p>\n<pre><code>{TEAMS}\n</code></pre>\n<p>and then {REPORT.replace('&', '&amp;')}</p>\n"
    )

    linked = linkify(stored)

    assert linked.count("<a ") == 3
    assert linked.startswith(stored[: stored.index("<p>and then")])
    assert f"<p>and then {link(REPORT)}</p>" in linked


def test_an_at_mention_link_is_kept_exactly_as_it_was_saved():
    mention = '<a href="/people/42/" rel="nofollow noopener">@Grace Okafor</a>'
    stored = f"<p>{mention} the call is {TEAMS}, see www.england.nhs.uk</p>\n"

    linked = linkify(stored)

    assert linked == (
        f"<p>{mention} the call is {link(TEAMS)}, see {link('www.england.nhs.uk')}</p>\n"
    )


def test_an_ampersand_in_a_url_is_escaped_once_in_the_href_and_the_text():
    stored = f"<p>Fill in {REPORT.replace('&', '&amp;')} tonight &amp; tomorrow</p>\n"

    linked = linkify(stored)

    assert linked == f"<p>Fill in {link(REPORT)} tonight &amp; tomorrow</p>\n"
    assert 'href="https://intranet.example.nhs.uk/report?ward=7&amp;shift=night"' in linked
    assert "&amp;amp;" not in linked


def test_only_http_https_and_mailto_become_links():
    stored = "<p>ftp://files.example.org and //cdn.example.org/x and ward7@nhs.net</p>\n"

    assert linkify(stored) == (
        f"<p>ftp://files.example.org and //cdn.example.org/x and {link('ward7@nhs.net')}</p>\n"
    )


def test_nothing_outside_the_allow_list_comes_out():
    stored = (
        f'<p onclick="steal()">{SHAREPOINT} <img src="x" onerror="steal()">'
        '<a href="javascript:steal()">here</a><span style="color:red">red</span></p>'
        "<script>steal()</script>\n"
    )

    linked = linkify(stored)

    for outside in ("onclick", "<img", "onerror", "javascript:", "<span", "style=", "<script"):
        assert outside not in linked
    assert f'href="{SHAREPOINT}"' in linked


def test_html_without_a_bare_url_comes_back_the_very_same():
    stored = f'<p>Ward <strong>7</strong> &amp; <a href="{TEAMS}">the call</a></p>\n'

    assert linkify(stored) is stored
    assert linkify("") == ""


@pytest.mark.parametrize(
    "source",
    [
        f"The rota: {SHAREPOINT}\n\nThe call: {TEAMS}",
        "See www.england.nhs.uk or write to ward7@nhs.net.",
        f"`{SHAREPOINT}` and [the rota]({SHAREPOINT}) and <{TEAMS}>",
        f"**Bold {REPORT}** and a line\n{TEAMS}",
        f"## Links\n\n- {SHAREPOINT}\n- done\n\n> {REPORT}\n\n```\n{TEAMS}\n```",
        f"| where | link |\n|---|---|\n| ward | {SHAREPOINT} |",
        "<b>raw</b> http://example.org/a_b_c_ & more",
    ],
)
def test_the_migrated_html_is_what_saving_the_text_now_gives(source):
    assert linkify(rendered_unlinked(source)) == render_markdown(source)


def test_the_migration_imports_no_module_of_the_project():
    path = ROOT / (MIGRATION.replace(".", "/") + ".py")
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported and not imported & APP_PACKAGES


# --- the circles migration against stored rows -------------------------------------------------


@pytest.fixture
def grace_and_circle(db):
    circle = CircleFactory()
    grace = MembershipFactory(circle=circle).member
    grace.profile.display_name = "Grace Okafor"
    grace.profile.save(update_fields=["display_name"])
    return grace, circle


def _stored_before_linkify(html_now: str, url: str) -> str:
    """HTML as saved before bare URLs were links: the link to ``url`` back to its text."""
    return re.sub(rf'<a href="{re.escape(html.escape(url))}"[^>]*>.*?</a>', url, html_now)


def test_the_migration_links_urls_in_stored_logs_responses_and_purposes(grace_and_circle):
    grace, circle = grace_and_circle
    log = ActionLogFactory(circle=circle, situation=f"@Grace Okafor the rota: {SHAREPOINT}")
    peer = MembershipFactory(circle=circle).member
    response = response_create(
        author=peer, log=log, kind="resource", body=f"@Grace Okafor the call: {TEAMS}"
    )
    Circle.objects.filter(pk=circle.pk).update(purpose_html=f"<p>Notes: {TEAMS}</p>\n")
    linked = {"log": log.situation_html, "response": response.body_html}
    assert '<a href="/people/' in linked["log"] and '<a href="/people/' in linked["response"]
    ActionLog.objects.filter(pk=log.pk).update(
        situation_html=_stored_before_linkify(linked["log"], SHAREPOINT)
    )
    Response.objects.filter(pk=response.pk).update(
        body_html=_stored_before_linkify(linked["response"], TEAMS)
    )
    assert f'href="{SHAREPOINT}"' not in ActionLog.objects.get(pk=log.pk).situation_html

    run(circles_migration())

    assert ActionLog.objects.get(pk=log.pk).situation_html == linked["log"]
    assert Response.objects.get(pk=response.pk).body_html == linked["response"]
    assert Circle.objects.get(pk=circle.pk).purpose_html == f"<p>Notes: {link(TEAMS)}</p>\n"


def test_rows_already_linked_are_not_written(grace_and_circle):
    _, circle = grace_and_circle
    ActionLogFactory(circle=circle, situation=f"The rota: {SHAREPOINT}")

    with CaptureQueriesContext(connection) as queries:
        run(circles_migration())

    assert not [q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]


def test_every_batch_is_read_whatever_the_batch_size(grace_and_circle, monkeypatch):
    _, circle = grace_and_circle
    migration = circles_migration()
    monkeypatch.setattr(migration, "BATCH", 2)
    logs = [ActionLogFactory(circle=circle) for _ in range(5)]
    ActionLog.objects.update(ask_html=f"<p>{TEAMS}</p>\n")

    run(migration)

    for log in logs:
        assert ActionLog.objects.get(pk=log.pk).ask_html == f"<p>{link(TEAMS)}</p>\n"


# --- the other apps' migrations against stored rows --------------------------------------------


def test_introductions_lessons_and_questions_stored_before_get_their_links(grace_and_circle):
    from commons.models import Lesson, LessonQuestion
    from members.models import Profile
    from tests.factories import LessonFactory

    grace, _ = grace_and_circle
    lesson = LessonFactory(author=grace)
    question = LessonQuestion(lesson=lesson, asker=grace, body="Which one?", answer="This.")
    question.save()
    unlinked = f"<p>See {SHAREPOINT}</p>\n"
    Profile.objects.filter(user=grace).update(introduction_html=unlinked)
    Lesson.objects.filter(pk=lesson.pk).update(action_html=unlinked)
    LessonQuestion.objects.filter(pk=question.pk).update(answer_html=unlinked)

    run(importlib.import_module("circles.migrations.0015_linkify_stored_html"))

    linked = f"<p>See {link(SHAREPOINT)}</p>\n"
    assert Profile.objects.get(user=grace).introduction_html == linked
    assert Lesson.objects.get(pk=lesson.pk).action_html == linked
    assert LessonQuestion.objects.get(pk=question.pk).answer_html == linked
    assert LessonQuestion.objects.get(pk=question.pk).body_html == "<p>Which one?</p>\n"
