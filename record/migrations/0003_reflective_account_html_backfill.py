"""Existing reflective accounts get their safe HTML, apart from the schema change that
added the columns, in batches.

Frozen: the rendering is written out as ``record/text.py`` and ``circles/text.py`` had it
the day this migration was made (markdown-it-py with raw HTML parsed, then nh3's
allow-list, which drops tags and a ``<script>``'s content)."""

import nh3
from django.db import migrations, transaction
from markdown_it import MarkdownIt

FIELDS = ("nature", "learning", "changed", "code_relevance")
BATCH = 500
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "s", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

_md = MarkdownIt("commonmark", {"html": True, "breaks": True}).enable(["strikethrough"])


def account_html(source: str) -> str:
    source = (source or "").replace("\r\n", "\n").replace("\r", "\n")
    if not source.strip():
        return ""
    html = _md.render(source)
    for level in (2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(
            f"</h{level}>", f"</h{level + 2}>"
        )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def fill_html(apps, schema_editor):
    """A batch a transaction, by primary key, so no row stays locked for the whole run; run
    again, it renders the same HTML."""
    ReflectiveAccount = apps.get_model("record", "ReflectiveAccount")
    db = schema_editor.connection.alias
    names = [f"{name}_html" for name in FIELDS]
    last = 0
    while True:
        with transaction.atomic(using=db):
            rows = ReflectiveAccount.objects.using(db).filter(pk__gt=last).order_by("pk")
            batch = list(rows.select_for_update()[:BATCH].only("pk", *FIELDS))
            if not batch:
                return
            for account in batch:
                for name in FIELDS:
                    setattr(account, f"{name}_html", account_html(getattr(account, name)))
            ReflectiveAccount.objects.using(db).bulk_update(batch, names)
        last = batch[-1].pk


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("record", "0002_reflective_account_html")]

    operations = [migrations.RunPython(fill_html, migrations.RunPython.noop, elidable=True)]
