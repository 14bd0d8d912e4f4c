"""Existing introductions get their safe HTML, apart from the schema change that added the
column, in batches.

Frozen: the rendering is written out as ``school/text.py`` had it the day this migration
was made (markdown-it-py with raw HTML escaped and bare URLs linked, then nh3's
allow-list)."""

import nh3
from django.db import migrations, transaction
from markdown_it import MarkdownIt

BATCH = 500
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "s", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True}).enable(
    ["strikethrough", "table", "linkify"]
)


def introduction_html(source: str) -> str:
    if not source or not source.strip():
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
    """A batch a transaction, by primary key: rows already filled are not read again, so a
    run stopped half-way goes on from where it was."""
    Profile = apps.get_model("members", "Profile")
    db = schema_editor.connection.alias
    todo = Profile.objects.using(db).exclude(introduction="").filter(introduction_html="")
    last = 0
    while True:
        with transaction.atomic(using=db):
            rows = todo.filter(pk__gt=last).order_by("pk").only("pk", "introduction")
            batch = list(rows.select_for_update()[:BATCH])
            if not batch:
                return
            for profile in batch:
                profile.introduction_html = introduction_html(profile.introduction)
            Profile.objects.using(db).bulk_update(batch, ["introduction_html"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("members", "0006_profile_introduction_html"),
    ]

    operations = [
        migrations.RunPython(fill_html, migrations.RunPython.noop, elidable=True),
    ]
