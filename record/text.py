"""A reflective account's text: the Markdown she writes (or draws from her logs) as safe
HTML, made once when the account is saved, so the page, the print page and the .docx show
bold, lists and paragraphs and no markup at all.

Unlike a log, raw HTML in an account is not shown as text: an NMC form carries words,
never tags, so tags are dropped (a ``<script>`` with its content) by the allow-list. Bare
URLs (a pasted SharePoint or Teams link) become links, their text the whole URL, as in
``school.text``; the allow-list gives each ``rel="nofollow noopener"``."""

from markdown_it import MarkdownIt

from circles.text import sanitise_html

_md = MarkdownIt("commonmark", {"html": True, "linkify": True, "breaks": True}).enable(
    ["strikethrough", "linkify"]
)


def account_html(source: str) -> str:
    """Her Markdown → safe HTML. Line endings from a form (``\\r\\n``) count once."""
    source = (source or "").replace("\r\n", "\n").replace("\r", "\n")
    if not source.strip():
        return ""
    html = _md.render(source)
    for level in (2, 1):  # the account's own headings are h2: shift hers below them
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(
            f"</h{level}>", f"</h{level + 2}>"
        )
    return sanitise_html(html)
