"""Cached fragments in templates (``circles.fragments``)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from circles import fragments

register = template.Library()


@register.simple_tag
def log_cards(logs, show_circle=False) -> SafeString:
    """``{% log_cards logs show_circle=True %}``: the logs' cards, one cache read for all."""
    return mark_safe("".join(fragments.log_cards(logs, show_circle=show_circle)))  # noqa: S308


@register.simple_tag
def log_cards_attach(*lists, show_circle=False) -> str:
    """``{% log_cards_attach waiting drafts show_circle=True %}`` at the top of a page
    with several lists of cards: all of them read with one ``get_many`` (writes nothing)."""
    fragments.log_cards_attach([log for logs in lists for log in logs], show_circle=show_circle)
    return ""


@register.simple_tag
def response_body(response, log) -> SafeString:
    """What a response says (``circles/_response_body.html``), shared by every reader; read
    with its log's other responses when the page attached them
    (``fragments.response_bodies_attach``)."""
    if not hasattr(response, "body_fragment"):
        fragments.response_bodies_attach([response], log=log)
    return response.body_fragment


@register.simple_tag
def reply_body(reply, log) -> SafeString:
    """What a reply says (``circles/_reply_body.html``), shared by every reader."""
    if not hasattr(reply, "body_fragment"):
        reply.body_fragment = fragments.fragments_fetch([fragments.reply_wanted(reply, log=log)])[0]
    return reply.body_fragment


@register.simple_tag(takes_context=True)
def response_blocks(context, responses, log) -> SafeString:
    """``{% response_blocks responses log %}``: every response's block, read from the
    cache at once (``fragments.response_blocks``)."""
    html = fragments.response_blocks(responses, log=log, context=context.flatten())
    return mark_safe("".join(html))  # noqa: S308
