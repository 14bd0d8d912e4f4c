"""Snippets as safe HTML: the stored text is escaped first, and only then do the match
markers become <mark> elements, so nothing a member wrote ever becomes markup.

A body's snippet is cut from the Markdown its author wrote: it is rendered and read back
as words (``snippet_html``), so the reader sees "nil by mouth", not ``**nil by mouth**``."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from school.text import plain_words, render_markdown
from search.backends.base import START, STOP

_MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")
# Emphasis, strike-through and code marks the cut left without their other half
# ("…by mouth** before"): at a word's edge only, so "nil_by_mouth" and "5 * 3" stay.
_STRAY_MARKS = re.compile(
    r"(?<![^\s\x02\x03])[*_~`]+(?=[^\s*_~`])|(?<=[^\s*_~`])[*_~`]+(?![^\s\x02\x03])"
)


def marked_html(text: str | None) -> SafeString:
    escaped = escape(" ".join((text or "").split()))
    html = _MARKED.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(html.replace(START, "").replace(STOP, ""))  # noqa: S308 (escaped above)


def snippet_html(markdown: str | None) -> SafeString:
    """A snippet of Markdown source, with its match markers, as the rendered text reads."""
    words = plain_words(render_markdown(markdown or ""))
    return marked_html(_STRAY_MARKS.sub("", words))
