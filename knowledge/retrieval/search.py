"""Hybrid search: dense cosine and BM25 rankings fused with reciprocal rank fusion."""

import math
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

from knowledge.config import Settings
from knowledge.documents.model import DocumentKind, KnowledgeDocument
from knowledge.documents.procedures import Section, SectionKey, asked_sections
from knowledge.retrieval.embedding import Embedder
from knowledge.retrieval.index import KnowledgeIndex
from knowledge.retrieval.procedure_names import ProcedureNames, most_specific
from knowledge.retrieval.short_messages import KnowledgeVocabulary
from shared.text import word_tokens


class RankingMode(StrEnum):
    HYBRID = "hybrid"
    DENSE = "dense"
    LEXICAL = "lexical"


class SearchStatus(StrEnum):
    """What a search concludes, in the words of a turn's status (shared.contract's
    SearchConclusion): the answering action may still narrow an answer to
    no_verified_content when the procedure lacks the section asked for."""

    ANSWER = "answered"  # confident: answer from the top document
    CLARIFY = "clarified"  # plausible but unsure: let the citizen pick among the top hits
    NO_ANSWER = "not_found"  # the knowledge base does not cover it


@dataclass(frozen=True)
class DocumentHit:
    document: KnowledgeDocument
    score: float  # the score of the ranking mode (RRF for hybrid)
    dense_score: float  # best cosine between the query and the document's units
    lexical_score: float  # BM25 over folded text
    # For a procedure: the section that answers the query, or the section asked for that
    # the document does not have (then the bot says so and points to the portal page).
    section: Section | None = None
    missing_section: SectionKey | None = None
    named: bool = False  # the question names this procedure (a lexical agreement of its own)


@dataclass(frozen=True)
class SearchOutcome:
    status: SearchStatus
    confidence: float
    hits: list[DocumentHit]


def confidence_features(ranked: list[DocumentHit]) -> list[float]:
    """Features of the top hit that separate right answers from out-of-scope questions."""
    top = ranked[0]
    best_lexical = max(hit.lexical_score for hit in ranked)
    lexical_agrees = top.named or (top.lexical_score > 0 and top.lexical_score >= best_lexical)
    return [1.0, top.dense_score, math.log1p(top.lexical_score), float(lexical_agrees)]


def confidence_probability(weights: tuple[float, ...], features: list[float]) -> float:
    logit = sum(w * x for w, x in zip(weights, features))
    return 1.0 / (1.0 + math.exp(-max(min(logit, 50.0), -50.0)))


def _ranks(scores: dict[str, float]) -> dict[str, int]:
    ordered = sorted(scores, key=lambda doc_id: scores[doc_id], reverse=True)
    return {doc_id: rank for rank, doc_id in enumerate(ordered, start=1)}


def _standardized(scores: dict[str, float], candidates: set[str]) -> dict[str, float]:
    """z-scores over the candidates; a candidate one ranker did not return gets its minimum."""
    floor = min(scores.values(), default=0.0)
    values = np.array([scores.get(doc_id, floor) for doc_id in candidates])
    spread = float(values.std()) or 1.0
    mean = float(values.mean())
    return {doc_id: (scores.get(doc_id, floor) - mean) / spread for doc_id in candidates}


def zscore_fusion(
    dense: dict[str, float], lexical: dict[str, float], dense_weight: float
) -> dict[str, float]:
    """Weighted sum of standardized scores: keeps how far ahead a document is, which rank
    fusion throws away; measured ahead of RRF on the labelled questions (`kb eval`)."""
    candidates = set(dense) | set(lexical)
    if not candidates:
        return {}
    dense_z = _standardized(dense, candidates)
    lexical_z = _standardized(lexical, candidates)
    return {d: dense_weight * dense_z[d] + (1 - dense_weight) * lexical_z[d] for d in candidates}


def reciprocal_rank_fusion(
    dense: dict[str, float], lexical: dict[str, float], settings: Settings
) -> dict[str, float]:
    top_dense = dict(sorted(dense.items(), key=lambda kv: -kv[1])[: settings.candidate_pool])
    fused: dict[str, float] = {}
    for ranks, weight in (
        (_ranks(top_dense), settings.dense_weight),
        (_ranks(lexical), 1 - settings.dense_weight),
    ):
        for doc_id, rank in ranks.items():
            fused[doc_id] = fused.get(doc_id, 0.0) + weight / (settings.rrf_k + rank)
    return fused


def with_section(
    hit: DocumentHit, asked: list[SectionKey], section_scores: dict[tuple[str, str], float]
) -> DocumentHit:
    """The section a procedure hit answers with: the one the query's words ask for (or that
    it lacks: `missing_section`), else the section nearest the query, else the lead."""
    present = {s.key: s for s in hit.document.sections}
    if asked:
        if asked[0] in present:
            return replace(hit, section=present[asked[0]])
        return replace(hit, missing_section=asked[0])
    nearest = [
        (score, key) for (doc_id, key), score in section_scores.items() if doc_id == hit.document.id
    ]
    key = SectionKey(max(nearest)[1]) if nearest else SectionKey.SUMMARY
    return replace(hit, section=present.get(key) or present.get(SectionKey.SUMMARY))


class KnowledgeSearcher:
    """Searches one immutable index snapshot; swap the searcher to publish new content."""

    def __init__(self, index: KnowledgeIndex, embedder: Embedder, settings: Settings) -> None:
        self.index = index
        self._embedder = embedder
        self._settings = settings
        self.procedure_names = ProcedureNames(index.documents.values())
        self.vocabulary = KnowledgeVocabulary(index.documents.values())

    def _dense_scores(self, query: str) -> tuple[dict[str, float], dict[tuple[str, str], float]]:
        """Best cosine per document, and per (document, section) for procedures."""
        if self.index.vectors.ntotal == 0:
            return {}, {}
        query_vector = self._embedder.encode_queries([query])
        k = min(self.index.vectors.ntotal, self._settings.candidate_pool * 10)
        similarities, positions = self.index.vectors.search(query_vector, k)
        best: dict[str, float] = {}
        sections: dict[tuple[str, str], float] = {}
        for similarity, position in zip(similarities[0], positions[0]):
            if position < 0:
                continue
            unit = self.index.units[position]
            best[unit.document_id] = max(best.get(unit.document_id, -1.0), float(similarity))
            if unit.section is not None:
                key = (unit.document_id, unit.section)
                sections[key] = max(sections.get(key, -1.0), float(similarity))
        return best, sections

    def _lexical_scores(self, query: str) -> dict[str, float]:
        scores = self.index.lexical.scores(query)
        order = np.argsort(-scores)[: self._settings.candidate_pool]
        return {
            self.index.lexical.document_ids[i]: float(scores[i]) for i in order if scores[i] > 0
        }

    def rank(self, query: str, mode: RankingMode = RankingMode.HYBRID) -> list[DocumentHit]:
        """Every candidate document, best first, with both component scores; a procedure
        with the section that answers the query."""
        dense, section_scores = self._dense_scores(query)
        lexical = self._lexical_scores(query)
        if mode is RankingMode.DENSE:
            ranking = dense
        elif mode is RankingMode.LEXICAL:
            ranking = lexical
        elif self._settings.fusion == "rrf":
            ranking = reciprocal_rank_fusion(dense, lexical, self._settings)
        else:
            ranking = zscore_fusion(dense, lexical, self._settings.dense_weight)
        hits = [
            DocumentHit(
                document=self.index.documents[doc_id],
                score=score,
                dense_score=dense.get(doc_id, 0.0),
                lexical_score=lexical.get(doc_id, 0.0),
            )
            for doc_id, score in ranking.items()
        ]
        ranked = self._named_first(query, sorted(hits, key=lambda h: (-h.score, -h.dense_score)))
        asked = asked_sections(query)
        return [
            with_section(hit, asked, section_scores)
            if hit.document.is_procedure and position < 10
            else hit
            for position, hit in enumerate(ranked)
        ]

    def _named_first(self, query: str, ranked: list[DocumentHit]) -> list[DocumentHit]:
        """A question that names one procedure ("đăng ký thường trú cần giấy tờ gì") is about
        it: that procedure goes first when the rankers found it among the top candidates,
        even if a note on another subject shares more of the question's words."""
        named = most_specific(self.procedure_names.named_in(query))
        if named is None:
            return ranked
        position = next(
            (
                i
                for i, hit in enumerate(ranked[: self._settings.named_procedure_window])
                if hit.document.id == named.id
            ),
            None,
        )
        if position is None:
            return ranked
        return [replace(ranked[position], named=True), *ranked[:position], *ranked[position + 1 :]]

    def confidence(
        self, ranked: list[DocumentHit], mode: RankingMode = RankingMode.HYBRID
    ) -> float:
        """How sure we are that the first of `ranked` answers the query, in [0, 1].

        Hybrid: a logistic model over the top document's cosine, its BM25 score and
        whether BM25 also ranks it first, fitted on the labelled questions by
        `kb calibrate` (weights in Settings). Single rankers use their raw scale.
        """
        if not ranked:
            return 0.0
        top = ranked[0]
        if mode is RankingMode.LEXICAL:
            return top.lexical_score / (top.lexical_score + 10.0)
        if mode is RankingMode.DENSE:
            return top.dense_score
        return confidence_probability(
            self._settings.confidence_weights, confidence_features(ranked)
        )

    def _is_short_topical(self, query: str, hits: list[DocumentHit]) -> bool:
        """A message of a few words about what the offered documents cover: offer them
        (knowledge/retrieval/short_messages.py)."""
        if len(word_tokens(query)) > self._settings.short_query_words:
            return False
        return self.vocabulary.is_topical(query, [hit.document.id for hit in hits])

    def search(
        self,
        query: str,
        top_k: int = 3,
        mode: RankingMode = RankingMode.HYBRID,
        kind: DocumentKind | None = None,
        context_document: str | None = None,
    ) -> SearchOutcome:
        """The top documents (of one kind, if given: the level-4 form looks among procedures
        only) and whether to answer, offer choices or decline. With `context_document` (the
        procedure the conversation last answered from), a follow-up without a subject of its
        own ("còn lệ phí thì sao?") is answered from that procedure's matching section."""
        outcome = self._search(query, top_k, mode, kind)
        followup = self._followup(query, outcome, context_document)
        return followup or outcome

    def _followup(
        self, query: str, fresh: SearchOutcome, context_document: str | None
    ) -> SearchOutcome | None:
        """The context procedure's asked section, when the query asks for a section, names no
        procedure, and is not confidently about another document on its own."""
        document = self.index.documents.get(context_document or "")
        if document is None or not document.is_procedure:
            return None
        asked = asked_sections(query)
        if not asked or self.procedure_names.named_in(query):
            return None
        if fresh.status is SearchStatus.ANSWER and fresh.hits[0].document.id != document.id:
            return None
        hit = with_section(DocumentHit(document, 0.0, 0.0, 0.0), asked, {})
        return SearchOutcome(
            SearchStatus.ANSWER, max(fresh.confidence, self._settings.answer_threshold), [hit]
        )

    def _search(
        self, query: str, top_k: int, mode: RankingMode, kind: DocumentKind | None
    ) -> SearchOutcome:
        ranked = self.rank(query, mode)
        if kind is not None:
            ranked = [hit for hit in ranked if hit.document.kind is kind]
        hits = ranked[:top_k]
        if not hits:
            return SearchOutcome(SearchStatus.NO_ANSWER, 0.0, [])
        confidence = self.confidence(ranked, mode)
        if confidence >= self._settings.answer_threshold:
            status = SearchStatus.ANSWER
        elif confidence >= self._settings.clarify_threshold or self._is_short_topical(query, hits):
            status = SearchStatus.CLARIFY
        else:
            status = SearchStatus.NO_ANSWER
        return SearchOutcome(status, confidence, hits)
