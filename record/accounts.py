"""Reflective accounts: prefilled from her logs, checked for what could identify someone,
and exported as an editable Word document laid out like the NMC's form."""

import io
import re
from dataclasses import dataclass

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


def _answer(cell, text: str) -> None:
    paragraphs = _xml_safe(text).split("\n\n")
    cell.text = paragraphs[0]
    for paragraph in paragraphs[1:]:
        cell.add_paragraph(paragraph)


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
        ("nature", account.nature),
        ("learning", account.learning),
        ("changed", account.changed),
    ):
        table.add_row().cells[0].paragraphs[0].add_run(NMC_PROMPTS[key]).bold = True
        _answer(table.add_row().cells[0], answer)
    table.add_row().cells[0].paragraphs[0].add_run(NMC_PROMPTS["code"]).bold = True
    themes = table.add_row().cells[0]
    marks = [("☒" if ticked else "☐") + " " + label for label, ticked in account.theme_marks()]
    themes.text = "    ".join(marks)
    if account.code_relevance:
        themes.add_paragraph(_xml_safe(account.code_relevance))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
