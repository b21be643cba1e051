"""Documents → retrieval units: the title, each alternative phrasing and body chunks; for a
procedure, each named section is a unit of its own, carrying its document and section key."""

from dataclasses import dataclass
from enum import StrEnum

from knowledge.documents.model import KnowledgeDocument


class UnitKind(StrEnum):
    QUESTION = "question"  # the title or an alternative phrasing: compared query-to-query
    PASSAGE = "passage"  # a piece of the answer body


@dataclass(frozen=True)
class RetrievalUnit:
    document_id: str
    kind: UnitKind
    text: str
    section: str | None = None  # a procedure's section key (procedures.SectionKey), else None


def split_body(body: str, max_words: int) -> list[str]:
    """Group paragraphs into chunks of at most `max_words` words (a long paragraph stays whole)."""
    chunks: list[str] = []
    current: list[str] = []
    current_words = 0
    for paragraph in (p.strip() for p in body.split("\n\n")):
        if not paragraph:
            continue
        words = len(paragraph.split())
        if current and current_words + words > max_words:
            chunks.append("\n\n".join(current))
            current, current_words = [], 0
        current.append(paragraph)
        current_words += words
    if current:
        chunks.append("\n\n".join(current))
    return chunks


def procedure_units(document: KnowledgeDocument) -> list[RetrievalUnit]:
    """Per section: its text (with the procedure's name), and "<heading> <name>" phrasings
    so that "lệ phí làm hộ chiếu" meets the fee section query-to-query."""
    names = [document.title, *(document.aliases or [])[:2]]
    units: list[RetrievalUnit] = []
    for section in document.sections:
        units.append(
            RetrievalUnit(
                document.id,
                UnitKind.PASSAGE,
                f"{document.title} — {section.heading}\n\n{section.text}",
                section.key.value,
            )
        )
        if section.key.value != "summary":
            units += [
                RetrievalUnit(
                    document.id, UnitKind.QUESTION, f"{section.heading} {name}", section.key.value
                )
                for name in names
            ]
    return units


def document_units(document: KnowledgeDocument, max_words: int) -> list[RetrievalUnit]:
    if document.is_procedure:
        units = [
            RetrievalUnit(document.id, UnitKind.QUESTION, t)
            for t in (document.title, *document.questions, *(document.aliases or []))
        ]
        return units + procedure_units(document)
    units = [RetrievalUnit(document.id, UnitKind.QUESTION, document.title)]
    units += [RetrievalUnit(document.id, UnitKind.QUESTION, q) for q in document.questions]
    units += [
        RetrievalUnit(document.id, UnitKind.PASSAGE, f"{document.title}\n\n{chunk}")
        for chunk in split_body(document.body, max_words)
    ]
    return units


def lexical_text(document: KnowledgeDocument) -> str:
    """Everything BM25 should see for a document: title, phrasings and body."""
    return "\n".join(
        [document.title, *document.questions, *(document.aliases or []), document.body]
    )
