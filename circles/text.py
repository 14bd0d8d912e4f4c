"""Markdown that people write: rendered and sanitised once, when it is saved.

markdown-it-py renders (raw HTML in the source is escaped, not passed through), then nh3
(Ammonia) keeps only an allow-list of tags and attributes, drops `javascript:`/`data:`
URLs and event handlers, and gives every link ``rel="nofollow noopener"``.
"""

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


def render_markdown(source: str) -> str:
    """Markdown source → safe HTML, for storing beside the source."""
    if not source or not source.strip():
        return ""
    # Headings inside a log would compete with the page's own; shift them down.
    html = _md.render(source)
    for level in (2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(
            f"</h{level}>", f"</h{level + 2}>"
        )
    return sanitise_html(html)


def excerpt(source: str, length: int = 200) -> str:
    """A plain-text excerpt of Markdown source (for emails and lists; escape when shown)."""
    text = " ".join((source or "").split())
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"
