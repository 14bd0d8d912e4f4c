"""Bare URLs (a pasted SharePoint or Teams link) in the stored HTML of everything members
wrote in Markdown before links were made of them (circles' purposes, logs, responses,
lessons and questions, meeting notes, introductions, reflective accounts) become links,
their text the whole URL. One migration for every app's tables, so the transform is
written out once.

The stored, sanitised HTML is changed, not rendered again from the Markdown: it holds the
@mention links found when it was saved, which stay exactly as they are. Text outside
``<a>``, ``<code>`` and ``<pre>`` is searched with linkify-it-py as markdown-it-py's
linkify rule searches it; http, https and mailto links only, each
``rel="nofollow noopener"``, then nh3's allow-list. A row whose HTML does not change is
not written. In batches of rows by primary key, each batch its own transaction, its rows
locked while they are read and written, so it is safe on a live database.

Frozen: the transform is written as the rendering (``school/text.py``) was on the day this
migration was made."""

import html
from html.parser import HTMLParser

import nh3
from django.db import migrations, transaction
from markdown_it import MarkdownIt

# (app label, model, the columns of rendered Markdown)
TABLES = (
    ("circles", "Circle", ("purpose_html",)),
    (
        "circles",
        "ActionLog",
        (
            "situation_html",
            "action_html",
            "prediction_html",
            "outcome_html",
            "insight_html",
            "next_step_html",
            "ask_html",
        ),
    ),
    ("circles", "Response", ("body_html",)),
    ("commons", "Lesson", ("insight_html", "situation_html", "action_html", "outcome_html")),
    ("commons", "LessonQuestion", ("body_html", "answer_html")),
    ("meetings", "Occurrence", ("notes_html",)),
    ("members", "Profile", ("introduction_html",)),
    (
        "record",
        "ReflectiveAccount",
        ("nature_html", "learning_html", "changed_html", "code_relevance_html"),
    ),
)
BATCH = 500
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "s", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
LINKED = ("http://", "https://", "mailto:")
NOT_LINKED = {"a", "code", "pre"}

# The LinkifyIt and the link normalisation of markdown-it-py's linkify rule.
_md = MarkdownIt("commonmark", {"linkify": True})


def _shown(link) -> str:
    """A link's text, as the linkify rule shows it."""
    if not link.schema:
        return _md.normalizeLinkText("http://" + link.text).removeprefix("http://")
    if link.schema == "mailto:" and link.text.lower().startswith("mailto:"):
        return _md.normalizeLinkText("mailto:" + link.text).removeprefix("mailto:")
    return _md.normalizeLinkText(link.text)


def linkify_text(text: str) -> str | None:
    """Plain text → escaped HTML with its bare URLs as links; None when it has none."""
    if not _md.linkify.test(text):
        return None
    parts, last = [], 0
    for link in _md.linkify.match(text) or []:
        href = _md.normalizeLink(link.url)
        if not href.lower().startswith(LINKED) or not _md.validateLink(href):
            continue
        parts.append(html.escape(text[last : link.index], quote=False))
        shown = html.escape(_shown(link), quote=False)
        parts.append(f'<a href="{html.escape(href)}" rel="nofollow noopener">{shown}</a>')
        last = link.last_index
    if not parts:
        return None
    parts.append(html.escape(text[last:], quote=False))
    return "".join(parts)


class _Linkifier(HTMLParser):
    """Stored HTML with tags kept as written and bare URLs in its text made links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.text: list[str] = []
        self.inside = 0  # depth of <a>, <code> and <pre>
        self.linked = False

    def _flush(self):
        text, self.text = "".join(self.text), []
        if not text:
            return
        linked = None if self.inside else linkify_text(text)
        self.linked = self.linked or linked is not None
        self.out.append(html.escape(text, quote=False) if linked is None else linked)

    def handle_starttag(self, tag, attrs):
        self._flush()
        self.inside += tag in NOT_LINKED
        self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        self._flush()
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self._flush()
        if tag in NOT_LINKED and self.inside:
            self.inside -= 1
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.text.append(data)

    def close(self):
        super().close()
        self._flush()


def linkify_html(stored: str) -> str:
    """Stored, sanitised HTML with its bare URLs as links (the same string when it has
    none)."""
    if not stored:
        return stored
    parser = _Linkifier()
    parser.feed(stored)
    parser.close()
    if not parser.linked:
        return stored
    return nh3.clean(
        "".join(parser.out),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def _linkify_batch(table, fields, after):
    """Links in one batch of rows after the primary key ``after``; the batch's last key,
    or None when there are no rows left."""
    with transaction.atomic(using=table.db):
        rows = list(
            table.select_for_update()
            .filter(pk__gt=after)
            .order_by("pk")
            .only("pk", *fields)[:BATCH]
        )
        changed = []
        for row in rows:
            linked = {name: linkify_html(getattr(row, name)) for name in fields}
            if any(linked[name] != getattr(row, name) for name in fields):
                for name, value in linked.items():
                    setattr(row, name, value)
                changed.append(row)
        if changed:
            table.bulk_update(changed, fields)
    return rows[-1].pk if len(rows) == BATCH else None


def linkify_rows(apps, schema_editor):
    db = schema_editor.connection.alias
    for app_label, model_name, fields in TABLES:
        rows = apps.get_model(app_label, model_name).objects.using(db)
        after = 0
        while after is not None:
            after = _linkify_batch(rows, fields, after)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("circles", "0014_form_submission"),
        ("commons", "0005_withdrawn_lessons_scrubbed"),
        ("meetings", "0004_circle_revision_drop"),
        ("members", "0007_profile_introduction_html_backfill"),
        ("record", "0003_reflective_account_html_backfill"),
    ]

    operations = [migrations.RunPython(linkify_rows, migrations.RunPython.noop, elidable=True)]
