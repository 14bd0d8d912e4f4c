"""``{% once_token %}``: a create form's one-time token (``circles.once``), a new one each
time the form is drawn. In a block cached for many readings (``once_slot`` in its context)
it leaves a slot that each reading fills with a new token (``circles.once.slots_filled``)."""

from django import template
from django.utils.html import format_html

from circles.once import FIELD, SLOT, token_new

register = template.Library()


@register.simple_tag(takes_context=True)
def once_token(context):
    value = SLOT if context.get("once_slot") else token_new()
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, value)
