"""Snippets as safe HTML: the stored text is escaped first, and only then do the match
markers become <mark> elements, so nothing a member wrote ever becomes markup."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.backends.base import START, STOP

_MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")


def marked_html(text: str | None) -> SafeString:
    escaped = escape(" ".join((text or "").split()))
    html = _MARKED.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(html.replace(START, "").replace(STOP, ""))  # noqa: S308 (escaped above)
