"""@mentions: ``@Display Name`` of an active member of the circle, in a log or a response.

Found when the text is rendered (at save: ``circles.text.render_markdown``), longest name
first and whatever the case, outside links and code. A first name that only one member of
the circle has stands for her ("@Grace"). ``mention_problems`` says, before posting, which
@names would stay plain text: one that matches several people, or nobody. A match
becomes a link to the member's profile and her id is stored with the text
(``mentioned_ids``); a name that matches no active member stays plain text. Nobody is
told about a draft: the services announce ``circles.signals.mentioned`` when a log or
response is published, for at most ``MENTIONS_NOTIFIED`` people, never the writer.
"""

import html
import re
from dataclasses import dataclass, field

from django.db.models import QuerySet

from circles.models import Membership, MembershipState

MENTIONS_NOTIFIED = 10
SUGGESTIONS_MAX = 8
PROFILE_PATH = "/people/{pk}/"

_TAG = re.compile(r"(<[^>]*>)")
_NOT_LINKED = {"a", "code", "pre"}


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


@dataclass
class Mentions:
    """The names that may be mentioned (``(member id, name)``) and, once ``link`` has run,
    the ids found, in the order they first appear."""

    members: list[tuple[int, str]]
    found: list[int] = field(default_factory=list)

    def __post_init__(self):
        # Longest first, so "Sam Lee-Jones" wins over "Sam Lee"; lower-cased once.
        self._names = sorted(
            [*((pk, name.lower()) for pk, name in self.members if name.strip()),
             *self._unique_first_names()],
            key=lambda item: (-len(item[1]), item[0]),
        )  # fmt: skip

    def _unique_first_names(self) -> list[tuple[int, str]]:
        """``(id, first name)`` for each first name that one member alone has."""
        firsts: dict[str, list[int]] = {}
        for pk, name in self.members:
            words = name.lower().split()
            if words:
                firsts.setdefault(words[0], []).append(pk)
        full = {name.lower().strip() for _, name in self.members}
        return [
            (pks[0], first) for first, pks in firsts.items() if len(pks) == 1 and first not in full
        ]

    def _match(self, text: str, at: int) -> tuple[int, int] | None:
        """The member named right after the ``@`` at ``at``, and where her name ends."""
        for pk, name in self._names:
            end = at + 1 + len(name)
            if text[at + 1 : end].lower() == name and (end >= len(text) or not _is_word(text[end])):
                return pk, end
        return None

    def _link_text(self, text: str) -> str:
        out, start, at = [], 0, text.find("@")
        while at != -1:
            match = None if at and _is_word(text[at - 1]) else self._match(text, at)
            if match is None:
                at = text.find("@", at + 1)
                continue
            pk, end = match
            out.append(html.escape(text[start:at], quote=False))
            shown = html.escape(text[at:end], quote=False)
            out.append(f'<a href="{PROFILE_PATH.format(pk=pk)}">{shown}</a>')
            if pk not in self.found:
                self.found.append(pk)
            start = end
            at = text.find("@", start)
        out.append(html.escape(text[start:], quote=False))
        return "".join(out)

    def link(self, rendered: str) -> str:
        """Rendered HTML with the mentions in its text made links (not inside a link or code)."""
        if not self._names or "@" not in rendered:
            return rendered
        parts, open_tags = [], 0
        for part in _TAG.split(rendered):
            if part.startswith("<"):
                name = part.strip("</>").split()[0].lower() if part.strip("</>") else ""
                if name in _NOT_LINKED:
                    open_tags += -1 if part.startswith("</") else 1
                parts.append(part)
            elif open_tags or "@" not in part:
                parts.append(part)
            else:
                parts.append(self._link_text(html.unescape(part)))
        return "".join(parts)


_ATTEMPT = re.compile(r"[^\W_][\w'’-]*")
_COUNTS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}


def _matching(word: str, members) -> list[str]:
    """Names of the members whose first name is ``word`` (or whose name starts with it)."""
    word = word.lower()
    firsts = [n for _, n in members if n.lower().split()[:1] == [word]]
    return firsts or [n for _, n in members if n.lower().startswith(word) and n.strip()]


def mention_problems(text: str, members: list[tuple[int, str]]) -> list[str]:
    """What to tell the writer before posting: each @name in ``text`` that will not become
    a mention, because it matches several members of the circle or none of them."""
    mentions, problems, seen = Mentions(members=members), [], set()
    at = (text or "").find("@")
    while at != -1:
        attempt = _ATTEMPT.match(text, at + 1)
        unclear = not (at and _is_word(text[at - 1])) and attempt is not None
        if unclear and mentions._match(text, at) is None and attempt.group().lower() not in seen:
            seen.add(attempt.group().lower())
            problems.append(_problem(attempt.group(), _matching(attempt.group(), members)))
        at = text.find("@", at + 1)
    return problems


def _problem(word: str, names: list[str]) -> str:
    if not names:
        return f"@{word} matches nobody in this circle: check the spelling."
    if len(names) == 1:
        return f"@{word} is not a whole name: did you mean @{names[0]}?"
    count = _COUNTS.get(len(names), str(len(names)))
    return f"@{word} matches {count} people — pick one: " + ", ".join(f"@{n}" for n in names)


def circle_members_named(circle_filter: dict) -> list[tuple[int, str]]:
    """``(id, display name)`` of the active members of the circle that ``circle_filter``
    selects (``{"circle_id": 3}`` or ``{"circle__logs": 7}``): one query."""
    rows = (
        Membership.objects.filter(state=MembershipState.ACTIVE, **circle_filter)
        .select_related("member__profile")
        .only("member__id", "member__email", "member__profile__display_name")
    )
    return [(m.member.pk, m.member.display_name) for m in rows]


def mentions_for(texts, circle_filter: dict) -> Mentions | None:
    """A ``Mentions`` for rendering these texts, or None (and no query) when none has an @."""
    if not any("@" in (text or "") for text in texts):
        return None
    return Mentions(members=circle_members_named(circle_filter))


def mentions_to_notify(*, writer_id: int, mentioned_ids, before=()) -> list[int]:
    """Whom a published text tells: the first ``MENTIONS_NOTIFIED`` people it mentions
    other than its writer, less those an earlier version already told (``before``)."""
    told = set(_notifiable(writer_id, before))
    return [pk for pk in _notifiable(writer_id, mentioned_ids) if pk not in told]


def _notifiable(writer_id: int, ids) -> list[int]:
    return [pk for pk in dict.fromkeys(ids or ()) if pk != writer_id][:MENTIONS_NOTIFIED]


def mention_suggestions(*, circle, q: str) -> QuerySet:
    """Up to ``SUGGESTIONS_MAX`` active members of ``circle`` whose name contains ``q``."""
    q = " ".join((q or "").replace("\x00", " ").split())[:80]  # no NUL reaches the database
    qs = (
        Membership.objects.filter(circle=circle, state=MembershipState.ACTIVE)
        .exclude(member__profile__display_name="")
        .select_related("member__profile")
        .order_by("member__profile__display_name", "pk")
    )
    if q:
        qs = qs.filter(member__profile__display_name__icontains=q)
    return qs[:SUGGESTIONS_MAX]
