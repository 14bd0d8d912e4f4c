"""What in a piece of text could identify a patient, a resident or a colleague.

Used before text leaves a circle (a lesson shared to the commons, a reflective account
exported for revalidation): each finding is shown to the author, who fixes the text or
confirms it. The check is deliberately generous: a false alarm costs her a click, a miss
can cost a patient their privacy.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model

from circles.models import Membership, MembershipState

KIND_LABELS = {
    "nhs_number": "NHS number",
    "date_of_birth": "Possible date of birth",
    "email": "Email address",
    "phone": "Phone number",
    "name": "Name of someone in your circles",
    "titled_name": "Name of a person",
}
# What no confirmation can let through: a number that passes the NHS check identifies one
# patient whatever the text around it says. It must be removed.
MUST_REMOVE = frozenset({"nhs_number"})
REMOVED = "[removed]"

# A date written as a person would write a birthday: 03/11/1948, 3-11-48, 3.11.1948,
# 3 November 1948, 3rd Nov 1948, November 3, 1948, 1948-11-03.
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = re.compile(
    r"\b(?:"
    r"(?P<d1>\d{1,2})[/.\-](?P<m1>\d{1,2})[/.\-](?P<y1>\d{4}|\d{2})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTHS})\.?,?\s+(?P<y2>\d{{4}})"
    rf"|(?P<m3>{_MONTHS})\.?\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y3>\d{{4}})"
    r"|(?P<y4>\d{4})-(?P<m4>\d{1,2})-(?P<d4>\d{1,2})"
    r")\b",
    re.IGNORECASE,
)
_BIRTH_CUE = re.compile(r"(?:\bd\.?o\.?b\b\.?|date\s+of\s+birth|\bborn(?:\s+on)?)\W{0,3}$", re.I)
# A date this many years back or more reads as a birthday rather than an event at work.
_BIRTH_YEARS_BACK = 12

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Ten digits, written together or grouped 3-3-4 with spaces or dashes.
_NHS = re.compile(r"(?<![\d+])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")
# A title and a surname, as patients and residents are named in notes and letters ("Mrs
# Jones", "Dr. O'Brien", "Sister Smith-Jones"); a title and a bare initial ("Mrs B"), the
# usual way of leaving someone unnamed, is not one.
_TITLED_NAME = re.compile(
    r"(?<!\w)(?:mrs|mr|ms|miss|mx|dr|prof|professor|sister|matron)\.?\s+"
    r"(?-i:[A-Z][A-Za-z'’-]*[a-z][A-Za-z'’-]*)",
    re.IGNORECASE,
)
# UK numbers (07700 900123, 0161 496 0000, +44 20 7946 0000) and other international ones.
_PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s-]?(?:\(0\)\s?)?|0)\d(?:[\s-]?\d){8,11}(?!\d)")


@dataclass(frozen=True)
class IdentifierFinding:
    kind: str
    label: str
    text: str
    start: int
    end: int

    @property
    def must_remove(self) -> bool:
        return self.kind in MUST_REMOVE


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number's modulus 11 check: weights 10..2 on the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def identifiers_find(text: str, *, names: Iterable[str] = ()) -> list[IdentifierFinding]:
    """Every stretch of ``text`` that could identify someone, in reading order, without
    overlaps (an NHS number is not also reported as a phone number)."""
    text = text or ""
    found = [
        *_nhs_numbers(text),
        *_emails(text),
        *_phones(text),
        *_dates_of_birth(text),
        *_names(text, names),
        *_titled_names(text),
    ]
    kept: list[IdentifierFinding] = []
    taken: list[tuple[int, int]] = []
    for finding in found:  # earlier kinds in the list above win an overlap
        if any(finding.start < end and start < finding.end for start, end in taken):
            continue
        kept.append(finding)
        taken.append((finding.start, finding.end))
    return sorted(kept, key=lambda finding: (finding.start, finding.end))


def identifiers_scrub(text: str, *, names: Iterable[str] = ()) -> str:
    """``text`` with everything ``identifiers_find`` finds in it replaced by "[removed]"."""
    text = text or ""
    for finding in reversed(identifiers_find(text, names=names)):
        text = text[: finding.start] + REMOVED + text[finding.end :]
    return text


def circle_names_for(user) -> list[str]:
    """Display names of the active members of the circles she is an active member of,
    herself left out: the colleagues she might name."""
    circles = Membership.objects.circles_of(user)
    colleagues = (
        get_user_model()
        .objects.filter(
            memberships__circle_id__in=circles, memberships__state=MembershipState.ACTIVE
        )
        .exclude(pk=user.pk)
        .select_related("profile")
        .distinct()
    )
    return sorted({colleague.display_name for colleague in colleagues if colleague.display_name})


def _finding(kind: str, match: re.Match, group: int = 0) -> IdentifierFinding:
    return IdentifierFinding(
        kind=kind,
        label=KIND_LABELS[kind],
        text=match.group(group),
        start=match.start(group),
        end=match.end(group),
    )


def _nhs_numbers(text: str):
    for match in _NHS.finditer(text):
        if nhs_number_is_valid("".join(match.groups())):
            yield _finding("nhs_number", match)


def _emails(text: str):
    for match in _EMAIL.finditer(text):
        yield _finding("email", match)


def _phones(text: str):
    for match in _PHONE.finditer(text):
        yield _finding("phone", match)


def _dates_of_birth(text: str):
    this_year = date.today().year
    for match in _DATE.finditer(text):
        year = int(
            next(match.group(name) for name in ("y1", "y2", "y3", "y4") if match.group(name))
        )
        if year < 100:  # two-digit years: 48 → 1948, 09 → 2009
            year += 2000 if year <= this_year % 100 else 1900
        cued = _BIRTH_CUE.search(text[max(0, match.start() - 20) : match.start()])
        if cued or year <= this_year - _BIRTH_YEARS_BACK:
            yield _finding("date_of_birth", match)


def _names(text: str, names: Iterable[str]):
    """Whole names, case-insensitively; and each part of a name of three letters or more
    written with a capital, as a colleague is usually called by her first name."""
    wholes, parts = set(), set()
    for name in names:
        name = " ".join((name or "").split())
        if len(name) < 3:
            continue
        wholes.add(name)
        parts.update(part for part in name.split(" ") if len(part) >= 3 and part[0].isupper())
    for name in sorted(wholes, key=len, reverse=True):
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
            yield _finding("name", match)
    for part in sorted(parts - wholes, key=len, reverse=True):
        for match in re.finditer(rf"(?<!\w){re.escape(part)}(?!\w)", text):
            yield _finding("name", match)


def _titled_names(text: str):
    for match in _TITLED_NAME.finditer(text):
        yield _finding("titled_name", match)
