"""The search box's syntax, as PostgreSQL's ``websearch_to_tsquery`` reads it: words (all
must match), "quoted phrases", ``-word`` or ``-"a phrase"`` to exclude, ``or`` between
alternatives. Everything else is text: no character a member types is an operator of the
database's own query language.

``parse`` gives the structure both backends check (is there anything to look for?);
``fts5_match`` writes it as an SQLite FTS5 query with every term quoted.
"""

import re
from dataclasses import dataclass, field

# Longer queries are cut here (and the member told): no one types more into a search box.
QUERY_MAX_CHARS = 256
TERMS_MAX = 32

# PostgreSQL's English stop words (snowball ``english.stop``): the 'english' configuration
# drops them, so the FTS5 query drops them too and both stacks match the same rows.
# fmt: off
STOP_WORDS = frozenset([
    "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours",
    "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers",
    "herself", "it", "its", "itself", "they", "them", "their", "theirs", "themselves",
    "what", "which", "who", "whom", "this", "that", "these", "those", "am", "is", "are",
    "was", "were", "be", "been", "being", "have", "has", "had", "having", "do", "does",
    "did", "doing", "a", "an", "the", "and", "but", "if", "or", "because", "as", "until",
    "while", "of", "at", "by", "for", "with", "about", "against", "between", "into",
    "through", "during", "before", "after", "above", "below", "to", "from", "up", "down",
    "in", "out", "on", "off", "over", "under", "again", "further", "then", "once", "here",
    "there", "when", "where", "why", "how", "all", "any", "both", "each", "few", "more",
    "most", "other", "some", "such", "no", "nor", "not", "only", "own", "same", "so",
    "than", "too", "very", "s", "t", "can", "will", "just", "don", "should", "now",
])
# fmt: on

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Group:
    """Terms that must all match, and terms that must not (one side of an ``or``)."""

    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)


@dataclass
class Parsed:
    groups: list[Group]

    @property
    def searchable(self) -> bool:
        """Whether the query asks for at least one word (exclusions alone find nothing)."""
        return any(group.include for group in self.groups)

    @property
    def words(self) -> list[str]:
        return [term for group in self.groups for term in group.include]


def _term(text: str) -> str | None:
    """A term as its words joined by spaces; None when it holds no word worth searching."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words or all(w in STOP_WORDS for w in words):
        return None
    return " ".join(words)


def parse(query: str) -> Parsed:
    groups = [Group()]
    count = 0
    for match in _TOKEN.finditer(query[:QUERY_MAX_CHARS]):
        negated = bool(match.group(1) or match.group(3))
        quoted = match.group(2) is not None
        raw = match.group(2) if quoted else match.group(4)
        if not quoted and not negated and raw.lower() == "or":
            if groups[-1].include or groups[-1].exclude:
                groups.append(Group())
            continue
        term = _term(raw)
        if term is None or count >= TERMS_MAX:
            continue
        count += 1
        (groups[-1].exclude if negated else groups[-1].include).append(term)
    return Parsed([g for g in groups if g.include or g.exclude])


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def fts5_match(parsed: Parsed) -> str:
    """The FTS5 MATCH expression: each side of an ``or`` as its terms ANDed, minus its
    exclusions; a side with nothing to include is left out (FTS5 cannot say "not x" alone)."""
    sides = []
    for group in parsed.groups:
        if not group.include:
            continue
        side = " AND ".join(_quoted(term) for term in group.include)
        for term in group.exclude:
            side = f"({side}) NOT {_quoted(term)}"
        sides.append(f"({side})")
    return " OR ".join(sides)
