"""Filters for text people wrote that a template sets inside its own sentences."""

from django import template

register = template.Library()

_ENDINGS = (".", "!", "?", "…")


@register.filter(is_safe=True)
def sentence(text: str) -> str:
    """The text ended with one full stop, unless it already ends a sentence."""
    text = str(text).strip()
    return text if not text or text.endswith(_ENDINGS) else f"{text}."
