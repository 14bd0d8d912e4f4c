"""Text that people write, as the circles show and send it: the Markdown rendering itself
(``render_markdown``, shared by every app) lives in ``school.text``; here, excerpts and the
plain prose of stored HTML for text emails."""

import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from django.utils.text import Truncator

from school.text import (  # noqa: F401 (the circles' names for the shared rendering)
    ALLOWED_ATTRIBUTES,
    ALLOWED_SCHEMES,
    ALLOWED_TAGS,
    plain_words,
    render_markdown,
    sanitise_html,
)

_URL_WORD = re.compile(r"\S*(?:://|www\.)\S*")


def excerpt(source: str, length: int = 200, *, whole_urls: bool = False) -> str:
    """A plain-text excerpt of Markdown source or plain prose (for emails and lists;
    escape when shown), at most ``length`` characters. ``whole_urls`` (an email's): a URL
    the cut would fall in is kept whole, past the length, since a shortened one leads
    nowhere."""
    text = " ".join((source or "").split())
    if len(text) <= length or not whole_urls:
        return Truncator(text).chars(length)
    cut = length - 1  # where ``Truncator.chars`` puts its "…"
    for url in _URL_WORD.finditer(text):
        if url.start() >= cut:
            break
        if cut < url.end():
            return text[: url.end()] + (" …" if url.end() < len(text) else "")
    return Truncator(text).chars(length)


# --- for emails: the stored HTML, shortened, and as plain prose ----------------------------

_BLOCKS = {"p", "blockquote", "pre", "ul", "ol", "table", "h3", "h4", "h5", "h6", "hr"}


class _PlainText(HTMLParser):
    """Sanitised HTML → plain prose: paragraphs apart, list items as ``- item`` (``1.``
    when numbered), table cells apart, links as ``text (url)``, entities decoded."""

    def __init__(self, base_url: str = ""):
        super().__init__(convert_charrefs=True)
        self.base_url = base_url.rstrip("/")
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
            self._link_end(self._absolute(href), start)

    def _absolute(self, href: str) -> str:
        """``href`` on the site's address when it is relative (an @mention's profile, a
        Markdown link to a page of the school) and a base is given."""
        parts = urlsplit(href)
        if not self.base_url or not href or parts.scheme or parts.netloc:
            return href
        return self.base_url + (href if href.startswith("/") else "/" + href)

    def _link_end(self, href: str, start: int) -> None:
        text = "".join(self.parts[start:]).strip()
        if not href or href.removeprefix("mailto:") == text:
            return
        if unquote(href) in (unquote(text), f"http://{unquote(text)}"):
            self.parts[start:] = [href]  # a bare URL: shown once, as she pasted it
        else:
            self.parts.append(f" ({href})")

    def handle_data(self, data):
        if "\n" in data and not data.strip() and not self._in_pre:
            return  # the line breaks markdown-it puts between block tags
        self.parts.append(data)

    def text(self) -> str:
        lines = [line.rstrip() for line in "".join(self.parts).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str, *, base_url: str = "") -> str:
    """Plain prose of stored, sanitised HTML: no Markdown syntax, links as ``text (url)``
    (a bare URL once, whole). ``base_url`` (an email's ``settings.SITE_URL``) makes the
    relative links absolute."""
    parser = _PlainText(base_url)
    parser.feed(html or "")
    parser.close()
    return parser.text()


def excerpt_text(html: str, length: int = 200, *, base_url: str = "") -> str:
    """A one-line plain-text excerpt of stored HTML (escape when shown). With ``base_url``
    (an email's ``settings.SITE_URL``) its links are absolute and no URL is cut short."""
    return excerpt(html_to_text(html, base_url=base_url), length, whole_urls=bool(base_url))


def excerpt_html(html: str, words: int = 40) -> str:
    """The first ``words`` words of stored, sanitised HTML, its tags closed, sanitised again
    so that the cut cannot leave anything but the allow-list."""
    return sanitise_html(Truncator(html or "").words(words, html=True))


# --- the passage that holds a link (a mention's paragraph, for its email) -------------------

_PASSAGES = {"p", "li", "td", "th", "h3", "h4", "h5", "h6", "pre"}


class _Passage(HTMLParser):
    """Finds the innermost paragraph, list item, table cell, heading or code block of
    stored HTML around the first link to ``href``, as offsets into that HTML."""

    def __init__(self, html: str, href: str):
        super().__init__(convert_charrefs=True)
        self.html, self.href = html, href
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self._open: list[tuple[str, int]] = []  # passages open here, with where they start
        self._around: tuple[str, int] | None = None
        # Where the passage starts, its opening tag ends, its closing tag starts and ends.
        self.span: tuple[int, int, int, int] | None = None

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag in _PASSAGES:
            self._open.append((tag, self._offset()))
        elif tag == "a" and self._around is None and dict(attrs).get("href") == self.href:
            self._around = self._open[-1] if self._open else ("", -1)

    def handle_endtag(self, tag):
        if tag not in _PASSAGES or not self._open or self._open[-1][0] != tag:
            return
        opened = self._open.pop()
        if opened == self._around and self.span is None:
            start, closing = opened[1], self._offset()
            self.span = (
                start,
                self.html.find(">", start) + 1,
                closing,
                self.html.find(">", closing) + 1,
            )


def passage_linking(html: str, href: str) -> str:
    """The paragraph (or list item, table cell, heading) of stored HTML that holds the
    first link to ``href``, as its HTML (a list item or a cell as a paragraph of its
    own); "" when no link goes there. The whole HTML when the link is in none of those."""
    if f'href="{href}"' not in (html or ""):
        return ""
    parser = _Passage(html, href)
    parser.feed(html)
    parser.close()
    if parser.span is None:
        return html
    start, inside, closing, end = parser.span
    if html[start + 1 : start + 3] in ("li", "td", "th"):
        return sanitise_html(f"<p>{html[inside:closing].strip()}</p>")
    return sanitise_html(html[start:end])


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def sentence_with(text: str, needle: str, length: int) -> str:
    """Plain ``text`` as it is when it has at most ``length`` characters; else the
    sentence holding ``needle`` (shortened to ``length``), with "…" where text was left
    out. Without ``needle``, its start."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    at = text.find(needle) if needle else -1
    if at < 0:
        return excerpt(text, length, whole_urls=True)
    start = 0
    for end in _SENTENCE_END.finditer(text):
        if end.end() > at:
            break
        start = end.end()
    stop = _SENTENCE_END.search(text, at)
    sentence = text[start : stop.start() if stop else len(text)]
    shown = excerpt(sentence, max(length, at - start + len(needle) + 1), whole_urls=True)
    return ("… " if start else "") + shown + (" …" if stop and shown == sentence else "")
