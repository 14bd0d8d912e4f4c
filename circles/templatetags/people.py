"""A person's name, linked to her profile where the page's readers may see it."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def person_link(person, shown=None, circle_id=None):
    """``{% person_link log.author shown log.circle_id %}``: her display name, a link to
    ``/people/<id>/`` when ``shown`` says so: a ``circles.people.PeopleShown``, or True
    where the page already knows (``log.author_in_circle``). No query."""
    if person is None:
        return "Former member"
    name = person.display_name
    if shown is True:
        linked = True
    else:
        links = getattr(shown, "links", None)  # a page without ``shown`` links no name
        linked = links is not None and links(person.pk, circle_id)
    if linked:
        return format_html('<a href="{}">{}</a>', reverse("people:profile", args=[person.pk]), name)
    return name
