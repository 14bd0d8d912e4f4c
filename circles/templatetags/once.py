"""``{% once_token %}``: a create form's one-time token (``circles.once``), a new one each
time the form is drawn."""

from django import template
from django.utils.html import format_html

from circles.once import FIELD, token_new

register = template.Library()


@register.simple_tag
def once_token():
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, token_new())
