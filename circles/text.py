"""Markdown that people write: rendered and sanitised once, when it is saved.

markdown-it-py renders (raw HTML in the source is escaped, not passed through), then nh3
(Ammonia) keeps only an allow-list of tags and attributes, drops `javascript:`/`data:`
URLs and event handlers, and gives every link ``rel="nofollow noopener"``.
"""

import re
from html.parser import HTMLParser

from django.utils.text import Truncator
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
    ["strikethrough", "table"]
)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "s", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(html: str) -> str:
    import nh3

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def render_markdown(source: str, *, mentions=None) -> str:
    """Markdown source → safe HTML, for storing beside the source. ``mentions`` (a
    ``circles.mentions.Mentions``) turns ``@Name`` of the circle's members into links to
    their profiles, before the allow-list is applied."""
    if not source or not source.strip():
        return ""
    # Headings inside a log would compete with the page's own; shift them down.
    html = _md.render(source)
    for level in (2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(
            f"</h{level}>", f"</h{level + 2}>"
        )
    if mentions is not None:
        html = mentions.link(html)
    return sanitise_html(html)


def excerpt(source: str, length: int = 200) -> str:
    """A plain-text excerpt of Markdown source (for emails and lists; escape when shown)."""
    return Truncator(" ".join((source or "").split())).chars(length)


# --- for emails: the stored HTML, shortened, and as plain prose ----------------------------

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


def excerpt_text(html: str, length: int = 200) -> str:
    """A one-line plain-text excerpt of stored HTML (for text emails; escape when shown)."""
    return excerpt(html_to_text(html), length)


def excerpt_html(html: str, words: int = 40) -> str:
    """The first ``words`` words of stored, sanitised HTML, its tags closed, sanitised again
    so that the cut cannot leave anything but the allow-list."""
    return sanitise_html(Truncator(html or "").words(words, html=True))
