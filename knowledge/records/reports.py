"""What staff should look at: feedback per document and documents due for review."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from knowledge.documents.model import KnowledgeDocument
from knowledge.records import citizen_records


@dataclass(frozen=True)
class DocumentFeedback:
    document_id: str
    title: str
    helpful: int
    not_helpful: int


@dataclass(frozen=True)
class StaleDocument:
    id: str
    title: str
    topic: str
    reviewed: dt.date
    age_days: int


def is_stale(reviewed: dt.date, stale_days: int, today: dt.date | None = None) -> bool:
    return ((today or dt.date.today()) - reviewed).days > stale_days


def stale_documents(
    documents: list[KnowledgeDocument], stale_days: int, today: dt.date | None = None
) -> list[KnowledgeDocument]:
    """Served documents whose review is older than `stale_days`, oldest review first."""
    return sorted(
        (d for d in documents if is_stale(d.reviewed, stale_days, today)), key=lambda d: d.reviewed
    )


def feedback_by_document(
    counts: dict[str, dict[str, int]], titles: dict[str, str]
) -> list[DocumentFeedback]:
    """Per-document 👍/👎 from the records store, most 👎 first."""
    rows = [
        DocumentFeedback(
            doc_id, titles.get(doc_id, ""), c.get("helpful", 0), c.get("not_helpful", 0)
        )
        for doc_id, c in counts.items()
        if doc_id and doc_id != "None"
    ]
    return sorted(rows, key=lambda r: (-r.not_helpful, -r.helpful, r.document_id))


def stale_report(
    documents: Iterable[KnowledgeDocument], stale_days: int, today: dt.date | None = None
) -> list[StaleDocument]:
    """The report staff read (page and API alike): served documents due for review, oldest first."""
    day = today or dt.date.today()
    return [
        StaleDocument(d.id, d.title, d.topic.value, d.reviewed, (day - d.reviewed).days)
        for d in stale_documents(list(documents), stale_days, day)
    ]


def feedback_report(session: Session, titles: dict[str, str]) -> list[DocumentFeedback]:
    """The report staff read (page and API alike): 👍/👎 per served document, most 👎 first."""
    return feedback_by_document(citizen_records.feedback_counts(session), titles)
