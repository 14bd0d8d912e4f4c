"""A reflective account carries her words as formatted text: bold, lists and paragraphs on
the print page and in Word, no Markdown or HTML anywhere, one line break where she made
one."""

import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from docx import Document

from record.models import ReflectiveAccount
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NATURE = (
    "The patient was **nil by mouth** before theatre.\r\n\r\n"
    "- checked the board\r\n- asked the *surgeon*\r\n\r\n"
    "<script>alert('x')</script>\r\n\r\n"
    "Line one\r\nLine two"
)


@pytest.fixture
def account():
    return ReflectiveAccount.objects.create(
        member=UserFactory(),
        title="Fasting before theatre",
        event_date="2026-10-01",
        nature=NATURE,
        learning="Learnt **this**.",
        changed="Changed.",
        code_relevance="Preserve **safety**.",
    )


def test_the_print_page_shows_formatted_text_and_no_markup(client, account):
    client.force_login(account.member)
    page = client.get(reverse("record:account_print", args=[account.pk]), {"checked": 1})
    body = page.content.decode()
    body = body[body.index('class="nmc-form"') :]
    assert "<strong>nil by mouth</strong>" in body
    assert "<li>checked the board</li>" in body and "<em>surgeon</em>" in body
    assert "<strong>safety</strong>" in body
    for markup in ("**", "- checked", "&lt;script", "<script", "alert("):
        assert markup not in body


def _cell_paragraphs(document):
    table = document.tables[0]
    return [p for row in table.rows for cell in row.cells for p in cell.paragraphs]


def test_the_docx_has_bold_lists_and_paragraphs_and_single_line_breaks(client, account):
    client.force_login(account.member)
    response = client.get(reverse("record:account_docx", args=[account.pk]), {"checked": 1})
    paragraphs = _cell_paragraphs(Document(io.BytesIO(response.content)))
    texts = [p.text for p in paragraphs]
    everything = "\n".join(texts)
    assert "The patient was nil by mouth before theatre." in texts
    bold = [r.text for p in paragraphs for r in p.runs if r.bold]
    assert "nil by mouth" in bold and "this" in bold and "safety" in bold
    bullets = [p.text for p in paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["checked the board", "asked the surgeon"]
    assert "Line one\nLine two" in texts  # one break, not two
    for markup in ("**", "- ", "<script", "alert(", "\n\n"):
        assert markup not in everything


def test_the_print_page_marks_each_code_theme_with_its_box_alone(client, account):
    """A theme is ☒ or ☐, not a bullet as well: the list is one without bullets."""
    client.force_login(account.member)
    body = client.get(reverse("record:account_print", args=[account.pk])).content.decode()
    themes = re.search(r"<ul([^>]*)>\s*<li>[☒☐]", body)
    assert themes and "plain-list" in themes.group(1)
    css = (settings.BASE_DIR / "static" / "css" / "school.css").read_text()
    assert re.search(r"\.plain-list \{ list-style: none;", css)


def test_accounts_saved_before_get_their_html_a_batch_a_transaction(account, monkeypatch):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("record.migrations.0003_reflective_account_html_backfill")
    assert migration.Migration.atomic is False
    second = ReflectiveAccount.objects.create(
        member=account.member, title="Two", event_date="2026-10-02", nature="**Two**"
    )
    ReflectiveAccount.objects.update(nature_html="", learning_html="")
    monkeypatch.setattr(migration, "BATCH", 1)  # every account a batch of its own
    migration.fill_html(apps, SimpleNamespace(connection=connection))
    account.refresh_from_db()
    second.refresh_from_db()
    assert "<strong>nil by mouth</strong>" in account.nature_html
    assert "<strong>this</strong>" in account.learning_html
    assert second.nature_html == "<p><strong>Two</strong></p>\n"
