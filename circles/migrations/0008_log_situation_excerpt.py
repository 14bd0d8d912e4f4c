"""A log's card shows a plain-text excerpt of its situation, made once when the Markdown is
rendered (``ActionLog.save``) instead of stripping and cutting the HTML on every render.
Existing logs get theirs from their stored HTML here.

Frozen: the HTML-to-text conversion is written out as ``circles/text.py`` had it the day
this migration was made."""

import re
from html.parser import HTMLParser

from django.db import migrations, models
from django.utils.text import Truncator

_BLOCKS = {"p", "blockquote", "pre", "ul", "ol", "table", "h3", "h4", "h5", "h6", "hr"}


class _PlainText(HTMLParser):
    """Sanitised HTML → plain prose: paragraphs apart, list items as ``- item`` (``1.``
    when numbered), table cells apart, links as ``text (url)``, entities decoded."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[tuple[str, int]] = []
        self._lists: list[list] = []  # [tag, next number]
        self._in_pre = False

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        self._in_pre = self._in_pre or tag == "pre"
        if tag in ("ul", "ol"):
            start = dict(attrs).get("start") or "1"
            self._lists.append([tag, int(start) if start.isdigit() else 1])
        elif tag == "li":
            marker = "- "
            if self._lists and self._lists[-1][0] == "ol":
                marker = f"{self._lists[-1][1]}. "
                self._lists[-1][1] += 1
            self.parts.append("\n" + "  " * max(len(self._lists) - 1, 0) + marker)
        elif tag in ("br", "tr"):
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" | " if self.parts and not self.parts[-1].endswith("\n") else "")
        elif tag == "a":
            self._links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        if tag == "pre":
            self._in_pre = False
        if tag in ("ul", "ol") and self._lists:
            self._lists.pop()
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            text = "".join(self.parts[start:]).strip()
            shown = href.removeprefix("mailto:")
            if href and shown != text:
                self.parts.append(f" ({href})")

    def handle_data(self, data):
        if "\n" in data and not data.strip() and not self._in_pre:
            return  # the line breaks markdown-it puts between block tags
        self.parts.append(data)

    def text(self) -> str:
        lines = [line.rstrip() for line in "".join(self.parts).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    """Plain prose of stored, sanitised HTML: no Markdown syntax, links as ``text (url)``."""
    parser = _PlainText()
    parser.feed(html or "")
    parser.close()
    return parser.text()


def excerpt_text(html: str, length: int) -> str:
    return Truncator(" ".join(html_to_text(html).split())).chars(length)


EXCERPT_LENGTH = 180
BATCH = 500


def fill_excerpts(apps, schema_editor):
    ActionLog = apps.get_model("circles", "ActionLog")
    db = schema_editor.connection.alias
    rows = ActionLog.objects.using(db).only("pk", "situation_html").order_by("pk")
    batch = []
    for log in rows.iterator(chunk_size=BATCH):
        log.situation_excerpt = excerpt_text(log.situation_html, EXCERPT_LENGTH)
        batch.append(log)
        if len(batch) >= BATCH:
            ActionLog.objects.using(db).bulk_update(batch, ["situation_excerpt"])
            batch = []
    if batch:
        ActionLog.objects.using(db).bulk_update(batch, ["situation_excerpt"])


class Migration(migrations.Migration):
    dependencies = [
        ("circles", "0007_report_and_moderation_action_to_facilitation"),
    ]

    operations = [
        migrations.AddField(
            model_name="actionlog",
            name="situation_excerpt",
            field=models.CharField(blank=True, editable=False, max_length=180),
        ),
        migrations.RunPython(fill_excerpts, migrations.RunPython.noop, elidable=True),
    ]
