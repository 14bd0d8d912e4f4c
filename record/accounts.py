"""Reflective accounts: prefilled from her logs, checked for what could identify someone,
and exported as an editable Word document laid out like the NMC's form."""

import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from docx import Document
from docx.shared import Pt

from circles.identifiers import IdentifierFinding, circle_names_for, identifiers_find
from circles.models import ActionLog
from record.models import NMC_PROMPTS, ReflectiveAccount

ACCOUNT_TEXT_FIELDS = ("title", "nature", "learning", "changed", "code_relevance")
FIELD_LABELS = {
    "title": "Title",
    "nature": "The nature of the experience",
    "learning": "What you learnt",
    "changed": "How your practice changed",
    "code_relevance": "How it relates to the Code",
}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _joined(parts) -> str:
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def account_prefill(chain: list[ActionLog]) -> dict:
    """The NMC prompts drawn from a log or a chain (oldest first): situation and action →
    the nature of the experience; insight → what she learnt; outcome and next step → how
    her practice changed."""
    last = chain[-1]
    return {
        "title": last.title if len(chain) == 1 else f"{chain[0].title} (and follow-ups)",
        "event_date": (chain[0].published_at or last.created_at).date(),
        "nature": _joined([chain[0].situation, *(log.action for log in chain)]),
        "learning": _joined(log.insight for log in chain),
        "changed": _joined([*(log.outcome for log in chain), last.next_step]),
    }


@dataclass(frozen=True)
class FieldFinding:
    field: str
    label: str
    finding: IdentifierFinding


def account_findings(account: ReflectiveAccount, *, user) -> list[FieldFinding]:
    """What in the account could identify someone (the commons' check): NHS numbers,
    dates of birth, names of people in her circles, emails, phone numbers."""
    names = circle_names_for(user)
    return [
        FieldFinding(name, FIELD_LABELS[name], finding)
        for name in ACCOUNT_TEXT_FIELDS
        for finding in identifiers_find(getattr(account, name), names=names)
    ]


# Characters XML 1.0 cannot hold (a Word soft line break pastes as \x0b): python-docx refuses
# them, so they become spaces.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub(" ", text or "")


class _WordAnswer(HTMLParser):
    """An answer's safe HTML (``record.text.account_html``) written into a table cell as
    Word formatting: a paragraph per paragraph, a Word list paragraph per list item, bold
    and italic runs, a line break per ``<br>``, links as ``text (url)``."""

    _PARAGRAPHS = {"p", "h3", "h4", "h5", "h6", "pre", "tr", "blockquote", "hr"}

    def __init__(self, cell):
        super().__init__(convert_charrefs=True)
        self.cell = cell
        self.paragraph = None
        self.used_first = False
        self.bold = self.italic = 0
        self.lists: list[str] = []
        self.links: list[str] = []
        self.in_pre = False
        self.line_start = True

    def _start_paragraph(self, style: str | None = None) -> None:
        if self.paragraph is not None and not self.paragraph.runs:
            pass  # an empty one (a list item's first paragraph) takes the text
        elif not self.used_first:
            self.paragraph, self.used_first = self.cell.paragraphs[0], True
        else:
            self.paragraph = self.cell.add_paragraph()
        if style:
            self.paragraph.style = style
        self.line_start = True

    def _list_style(self) -> str:
        kind = "List Number" if self.lists[-1] == "ol" else "List Bullet"
        depth = min(len(self.lists), 3)
        return kind if depth == 1 else f"{kind} {depth}"

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self.lists.append(tag)
        elif tag == "li":
            self._start_paragraph(self._list_style() if self.lists else None)
        elif tag in self._PARAGRAPHS and not (tag == "p" and self._inside_fresh_item()):
            self._start_paragraph()
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.add_run().add_break()
            self.line_start = True
        elif tag in ("td", "th") and self.paragraph is not None and self.paragraph.runs:
            self.paragraph.add_run(" | ")
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        self.bold += tag in ("strong", "b", "h3", "h4", "h5", "h6", "th")
        self.italic += tag in ("em", "i")
        self.in_pre = self.in_pre or tag == "pre"

    def _inside_fresh_item(self) -> bool:
        return self.paragraph is not None and not self.paragraph.runs

    def handle_endtag(self, tag):
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag in self._PARAGRAPHS or tag == "li":
            self.paragraph = None
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href and self.paragraph is not None and href not in self.paragraph.text:
                self.paragraph.add_run(f" ({href.removeprefix('mailto:')})")
        self.bold -= tag in ("strong", "b", "h3", "h4", "h5", "h6", "th") and self.bold > 0
        self.italic -= tag in ("em", "i") and self.italic > 0
        self.in_pre = self.in_pre and tag != "pre"

    def handle_data(self, data):
        if not self.in_pre:  # outside <pre> a newline is a space, and none starts a line
            data = re.sub(r"\s*\n\s*", " ", data)
            if self.paragraph is None or self.line_start:
                data = data.lstrip()
            if not data:
                return
        if self.paragraph is None:
            self._start_paragraph()
        for index, line in enumerate(_xml_safe(data).split("\n")):
            if index:
                self.paragraph.add_run().add_break()
            if line:
                run = self.paragraph.add_run(line)
                run.bold, run.italic = bool(self.bold) or None, bool(self.italic) or None
        self.line_start = False


def _answer(cell, html: str) -> None:
    writer = _WordAnswer(cell)
    writer.feed(html or "")
    writer.close()


def account_docx(account: ReflectiveAccount) -> bytes:
    """The account as an editable .docx on the NMC form's layout: a table with each
    prompt above her answer, and the Code's themes ticked."""
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading("Reflective accounts form", level=1)
    document.add_paragraph(
        "You must use this form to record five written reflective accounts on your CPD "
        "and/or practice-related feedback and/or an event or experience in your practice "
        "and how this relates to the Code."
    )
    document.add_paragraph(f"Reflective account: {_xml_safe(account.title)}")
    document.add_paragraph(f"Date: {account.event_date:%d %B %Y}")
    table = document.add_table(rows=0, cols=1)
    table.style = "Table Grid"
    for key, answer in (
        ("nature", account.nature_html),
        ("learning", account.learning_html),
        ("changed", account.changed_html),
    ):
        table.add_row().cells[0].paragraphs[0].add_run(NMC_PROMPTS[key]).bold = True
        _answer(table.add_row().cells[0], answer)
    table.add_row().cells[0].paragraphs[0].add_run(NMC_PROMPTS["code"]).bold = True
    themes = table.add_row().cells[0]
    marks = [("☒" if ticked else "☐") + " " + label for label, ticked in account.theme_marks()]
    themes.text = "    ".join(marks)
    if account.code_relevance_html:
        themes.add_paragraph()
        writer = _WordAnswer(themes)
        writer.used_first = True
        writer.paragraph = themes.paragraphs[-1]
        writer.feed(account.code_relevance_html)
        writer.close()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
