"""Lessons withdrawn before a withdrawal scrubbed them: what the identifier check finds in
their text (NHS numbers, emails, phone numbers, dates of birth, colleagues' names, a title
with a surname) is replaced by "[removed]" and their HTML rendered again. One lesson a
transaction, so a killed run resumes with what is left (a scrubbed lesson finds nothing).

Frozen: the identifier check and the Markdown rendering are written out as
``circles/identifiers.py`` and ``circles/text.py`` had them the day this migration was made.
"""

import re
from datetime import date

from django.db import migrations, transaction

REMOVED = "[removed]"
FIELDS = ("title", "situation", "action", "outcome", "insight")
RENDERED = ("situation", "action", "outcome", "insight")
TITLE_MAX = 140

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = re.compile(
    r"\b(?:"
    r"(?P<d1>\d{1,2})[/.\-](?P<m1>\d{1,2})[/.\-](?P<y1>\d{4}|\d{2})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTHS})\.?,?\s+(?P<y2>\d{{4}})"
    rf"|(?P<m3>{_MONTHS})\.?\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y3>\d{{4}})"
    r"|(?P<y4>\d{4})-(?P<m4>\d{1,2})-(?P<d4>\d{1,2})"
    r")\b",
    re.IGNORECASE,
)
_BIRTH_CUE = re.compile(r"(?:\bd\.?o\.?b\b\.?|date\s+of\s+birth|\bborn(?:\s+on)?)\W{0,3}$", re.I)
_BIRTH_YEARS_BACK = 12
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_NHS = re.compile(r"(?<![\d+])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")
_TITLED_NAME = re.compile(
    r"(?<!\w)(?:mrs|mr|ms|miss|mx|dr|prof|professor|sister|matron)\.?\s+"
    r"(?-i:[A-Z][A-Za-z'’-]*[a-z][A-Za-z'’-]*)",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s-]?(?:\(0\)\s?)?|0)\d(?:[\s-]?\d){8,11}(?!\d)")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "s", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def _nhs_valid(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _spans(text: str, names: list[str]):
    """Every stretch the check finds, earlier kinds first (as the check ranks overlaps)."""
    for m in _NHS.finditer(text):
        if _nhs_valid("".join(m.groups())):
            yield m.span()
    yield from (m.span() for m in _EMAIL.finditer(text))
    yield from (m.span() for m in _PHONE.finditer(text))
    this_year = date.today().year
    for m in _DATE.finditer(text):
        year = int(next(m.group(n) for n in ("y1", "y2", "y3", "y4") if m.group(n)))
        if year < 100:
            year += 2000 if year <= this_year % 100 else 1900
        cued = _BIRTH_CUE.search(text[max(0, m.start() - 20) : m.start()])
        if cued or year <= this_year - _BIRTH_YEARS_BACK:
            yield m.span()
    wholes, parts = set(), set()
    for name in names:
        name = " ".join((name or "").split())
        if len(name) < 3:
            continue
        wholes.add(name)
        parts.update(p for p in name.split(" ") if len(p) >= 3 and p[0].isupper())
    for name in sorted(wholes, key=len, reverse=True):
        pattern = rf"(?<!\w){re.escape(name)}(?!\w)"
        yield from (m.span() for m in re.finditer(pattern, text, re.IGNORECASE))
    for part in sorted(parts - wholes, key=len, reverse=True):
        yield from (m.span() for m in re.finditer(rf"(?<!\w){re.escape(part)}(?!\w)", text))
    yield from (m.span() for m in _TITLED_NAME.finditer(text))


def _scrubbed(text: str, names: list[str]) -> str:
    text = text or ""
    kept: list[tuple[int, int]] = []
    for start, end in _spans(text, names):
        if not any(start < e and s < end for s, e in kept):
            kept.append((start, end))
    for start, end in sorted(kept, reverse=True):
        text = text[:start] + REMOVED + text[end:]
    return text


def _render(source: str) -> str:
    import nh3
    from markdown_it import MarkdownIt

    if not source or not source.strip():
        return ""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})
    html = md.enable(["strikethrough", "table"]).render(source)
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


def _colleagues(apps, author_id: int) -> list[str]:
    Membership = apps.get_model("circles", "Membership")
    User = apps.get_model("members", "User")
    circles = Membership.objects.filter(member_id=author_id, state="active").values("circle_id")
    rows = (
        User.objects.filter(memberships__circle_id__in=circles, memberships__state="active")
        .exclude(pk=author_id)
        .values_list("profile__display_name", "email")
        .distinct()
    )
    return sorted({shown or email.split("@")[0] for shown, email in rows})


def scrub(apps, schema_editor):
    Lesson = apps.get_model("commons", "Lesson")
    withdrawn = Lesson.objects.filter(state="withdrawn").order_by("pk")
    for pk, author_id in list(withdrawn.values_list("pk", "author_id")):
        names = _colleagues(apps, author_id)
        with transaction.atomic():
            lesson = Lesson.objects.select_for_update().get(pk=pk)
            changed = {name: _scrubbed(getattr(lesson, name), names) for name in FIELDS}
            changed["title"] = changed["title"][:TITLE_MAX]
            if all(changed[name] == getattr(lesson, name) for name in FIELDS):
                continue
            for name in RENDERED:
                changed[f"{name}_html"] = _render(changed[name])
            Lesson.objects.filter(pk=pk).update(**changed)


class Migration(migrations.Migration):
    # One lesson a transaction.
    atomic = False

    dependencies = [
        ("commons", "0004_circle_revision_drop"),
        ("circles", "0012_circle_revision_drop"),
        ("members", "0005_sessions_name_the_new_backends"),
    ]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
