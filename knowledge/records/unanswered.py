"""Questions citizens could not get answered, masked on the way in and grouped for staff.

Grouping is a single pass of threshold clustering: a question joins the group whose first
question is most similar if that similarity reaches `admin_cluster_similarity`, else it
starts a new group. Similarity mixes the e5 cosine of the folded questions with the overlap
of their folded words (abbreviations spelled out): the small e5 model alone rates unrelated
short questions about 0.9 alike, the words alone miss paraphrases. Embeddings are computed
when the queue is first viewed and stored, so recording stays cheap for the bot.
"""

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from knowledge.content import document_store as store
from knowledge.content.validation import checked_document
from knowledge.documents.model import serialize_document
from knowledge.platform import audit, messages
from knowledge.platform.errors import NotFound
from knowledge.platform.models import UnansweredQuestion, utc_now
from knowledge.retrieval.embedding import Embedder
from shared.text import expand_abbreviations, fold_diacritics, word_tokens

MAX_OPEN_SHOWN = 2000
DENSE_SHARE = 0.7  # of the similarity; the rest is word overlap (Jaccard)
# Folded question words that say nothing about the topic ("làm sao", "ở đâu", "thế nào").
QUESTION_WORDS = frozenset(
    [
        "lam",
        "sao",
        "gi",
        "the",
        "nao",
        "o",
        "dau",
        "thi",
        "phai",
        "co",
        "khong",
        "duoc",
        "la",
        "vay",
        "a",
        "nhu",
        "roi",
        "toi",
        "minh",
        "di",
    ]
)


@dataclass(frozen=True)
class QuestionGroup:
    questions: list[UnansweredQuestion]  # newest first

    @property
    def count(self) -> int:
        return len(self.questions)

    @property
    def representative(self) -> str:
        return self.questions[0].question

    @property
    def ids(self) -> list[int]:
        return [q.id for q in self.questions]


def open_questions(session: Session, limit: int = MAX_OPEN_SHOWN) -> list[UnansweredQuestion]:
    query = (
        select(UnansweredQuestion)
        .where(UnansweredQuestion.resolved_at.is_(None))
        .order_by(UnansweredQuestion.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def store_missing_embeddings(
    session: Session, embedder: Embedder, limit: int = MAX_OPEN_SHOWN
) -> int:
    """Embed open questions that have no vector yet (the service's background job), so that
    reading the queue or the dashboard computes only what arrived since and writes nothing."""
    missing = list(
        session.scalars(
            select(UnansweredQuestion)
            .where(UnansweredQuestion.resolved_at.is_(None), UnansweredQuestion.embedding.is_(None))
            .order_by(UnansweredQuestion.id.desc())
            .limit(limit)
        )
    )
    if missing:
        for row, vector in zip(
            missing, embedder.encode_queries([_folded(row.question) for row in missing])
        ):
            row.embedding = np.asarray(vector, dtype=np.float32).tobytes()
    return len(missing)


def _vectors(rows: list[UnansweredQuestion], embedder: Embedder) -> np.ndarray:
    """Stored vectors, and those not stored yet computed in memory (never written here)."""
    missing = [row for row in rows if row.embedding is None]
    fresh = iter(
        embedder.encode_queries([_folded(row.question) for row in missing]) if missing else []
    )
    matrix = np.stack(
        [
            np.frombuffer(row.embedding, dtype=np.float32)
            if row.embedding is not None
            else np.asarray(next(fresh), dtype=np.float32)
            for row in rows
        ]
    )
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def _folded(question: str) -> str:
    return fold_diacritics(expand_abbreviations(question)).lower()


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def group_questions(session: Session, embedder: Embedder, similarity: float) -> list[QuestionGroup]:
    """Open questions in groups of similar wording, the largest group first."""
    rows = open_questions(session)
    if not rows:
        return []
    vectors = _vectors(rows, embedder)
    words = [set(word_tokens(expand_abbreviations(row.question))) - QUESTION_WORDS for row in rows]
    leaders: list[int] = []
    members: list[list[int]] = []
    for position in range(len(rows)):
        if leaders:
            overlaps = np.array([_overlap(words[leader], words[position]) for leader in leaders])
            scores = (
                DENSE_SHARE * (vectors[leaders] @ vectors[position]) + (1 - DENSE_SHARE) * overlaps
            )
            best = int(np.argmax(scores))
            if scores[best] >= similarity:
                members[best].append(position)
                continue
        leaders.append(position)
        members.append([position])
    groups = [QuestionGroup([rows[i] for i in group]) for group in members]
    return sorted(groups, key=lambda g: (-g.count, -g.questions[0].id))


def resolve_questions(session: Session, ids: list[int], actor: str, document_id: str | None) -> int:
    """Close questions (answered by `document_id`, or dismissed when it is None)."""
    found = set(
        session.scalars(select(UnansweredQuestion.id).where(UnansweredQuestion.id.in_(ids)))
    )
    unknown = sorted(set(ids) - found)
    if unknown:
        raise NotFound(messages.QUESTIONS_NOT_FOUND.format(ids=", ".join(map(str, unknown[:20]))))
    session.execute(
        update(UnansweredQuestion)
        .where(UnansweredQuestion.id.in_(ids), UnansweredQuestion.resolved_at.is_(None))
        .values(resolved_at=utc_now(), resolved_by=actor, resolution=document_id)
        .execution_options(synchronize_session=False)
    )
    audit.record(session, actor, "unanswered.resolve", document_id or "", ids=sorted(ids))
    return len(found)


def questions_by_id(session: Session, ids: list[int]) -> list[UnansweredQuestion]:
    rows = list(session.scalars(select(UnansweredQuestion).where(UnansweredQuestion.id.in_(ids))))
    unknown = sorted(set(ids) - {r.id for r in rows})
    if unknown:
        raise NotFound(messages.QUESTIONS_NOT_FOUND.format(ids=", ".join(map(str, unknown[:20]))))
    return rows


def add_wording(
    session: Session, ids: list[int], document_id: str, base_version: int, actor: str
) -> None:
    """The questions become phrasings of the document (a new draft) and are closed, together."""
    document = store.get_document(session, document_id).document
    known = {q.casefold() for q in document.questions}
    added = [
        row.question
        for row in questions_by_id(session, ids)
        if row.question.casefold() not in known
    ]
    updated = checked_document(
        {**document.model_dump(), "questions": [*document.questions, *dict.fromkeys(added)]}
    )
    store.edit_document(session, updated, serialize_document(updated), base_version, actor)
    resolve_questions(session, ids, actor, document_id)
