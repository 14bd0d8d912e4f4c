"""Markdown that people write: rendered and sanitised once, when it is saved, by every app
(a log, a response, a lesson, a member's introduction).

markdown-it-py renders (raw HTML in the source is escaped, not passed through; bare URLs
such as a pasted SharePoint or Teams link become links, their text the whole URL), then
nh3 (Ammonia) keeps only an allow-list of tags and attributes, drops
`javascript:`/`data:` URLs and event handlers, and gives every link
``rel="nofollow noopener"``.
"""

from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True}).enable(
    ["strikethrough", "table", "linkify"]
)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "s", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

# What a writer can do, in words she knows, under the boxes that take formatted text.
FORMATTING_HELP = "You can use **bold**, lists and links."


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
    """Markdown source → safe HTML, for storing beside the source. ``mentions`` (anything
    with a ``link(html)`` method, such as ``circles.mentions.Mentions``) turns ``@Name``
    into links before the allow-list is applied."""
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


def plain_words(html: str) -> str:
    """The words of stored, sanitised HTML on one line: no tags, entities decoded (escape
    when shown)."""
    import html as html_module

    import nh3

    return " ".join(html_module.unescape(nh3.clean(html or "", tags=set())).split())
