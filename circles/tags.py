"""Tags, by one rule wherever they are typed (a log, a circle's settings page, the admin):
django-taggit's parser (commas separate tags, "double quotes" keep a comma inside one, and
text without commas or quotes is split at spaces), spaces inside a tag collapsed, lower case,
at most ``MAX_TAGS`` tags of at most ``MAX_TAG_LENGTH`` characters each. Tags come back for
editing as taggit writes them (``edit_string_for_tags``)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from taggit.utils import edit_string_for_tags, parse_tags

MAX_TAGS = 8
MAX_TAG_LENGTH = 50


def tags_clean(names: Iterable[str]) -> list[str]:
    """The tags to store for these names: normalised, unique and sorted. Raises
    ``ValidationError`` when there are too many or one is too long."""
    tags = sorted({" ".join(str(name).split()).lower() for name in names} - {""})
    if len(tags) > MAX_TAGS:
        raise ValidationError(f"Please use at most {MAX_TAGS} tags.")
    for tag in tags:
        if len(tag) > MAX_TAG_LENGTH:
            raise ValidationError(
                f"Please keep each tag to {MAX_TAG_LENGTH} characters "
                f"(“{tag[:20]}…” has {len(tag)})."
            )
    return tags


def tags_from_text(text: str) -> list[str]:
    """Typed text → the tags to store (see ``tags_clean``)."""
    return tags_clean(parse_tags(text or ""))


def tags_as_text(tags) -> str:
    """Stored tags → text that ``tags_from_text`` reads back as the same tags."""
    return edit_string_for_tags(list(tags))
