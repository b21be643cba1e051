"""Retrieval evaluation over a labelled question file: top-1, recall@3, MRR, out-of-scope answers.

Kept next to the code it measures; `kb eval` and `kb compare-models` print and record it.
"""

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from tqdm import tqdm

from knowledge.retrieval.search import KnowledgeSearcher, RankingMode
from shared.text import fold_diacritics

MAX_OUT_OF_SCOPE_FALSE_ANSWERS = 0.05


@dataclass(frozen=True)
class EvalQuestion:
    text: str
    expected: tuple[str, ...]

    @property
    def in_scope(self) -> bool:
        return bool(self.expected)

    @property
    def has_diacritics(self) -> bool:
        return fold_diacritics(self.text) != self.text


@dataclass(frozen=True)
class QuestionOutcome:
    question: EvalQuestion
    ranked_ids: tuple[str, ...]
    confidence: float
    latency_seconds: float

    @property
    def first_correct_rank(self) -> int | None:
        for rank, doc_id in enumerate(self.ranked_ids, start=1):
            if doc_id in self.question.expected:
                return rank
        return None

    @property
    def top1_correct(self) -> bool:
        return self.first_correct_rank == 1


@dataclass(frozen=True)
class MethodSummary:
    name: str
    threshold: float
    top1: float
    recall_at_3: float
    mrr: float
    top1_with_diacritics: float
    top1_without_diacritics: float
    answered_correctly: (
        float  # in-scope questions answered (confidence >= threshold) with the right document
    )
    answered_wrongly: float  # in-scope questions answered with a wrong document
    out_of_scope_false_answers: float
    latency_p50_ms: float
    latency_p95_ms: float
    in_scope_count: int
    out_of_scope_count: int


def load_eval_questions(path: Path) -> list[EvalQuestion]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        EvalQuestion(str(item["q"]), tuple(item.get("expected") or ()))
        for item in data["questions"]
    ]


def run_method(
    searcher: KnowledgeSearcher, mode: RankingMode, questions: list[EvalQuestion]
) -> list[QuestionOutcome]:
    outcomes = []
    for question in tqdm(questions, desc=f"Evaluating {mode.value}", unit="question", disable=None):
        started = time.perf_counter()
        hits = searcher.rank(question.text, mode)
        confidence = searcher.confidence(hits, mode)
        elapsed = time.perf_counter() - started
        outcomes.append(
            QuestionOutcome(question, tuple(h.document.id for h in hits[:10]), confidence, elapsed)
        )
    return outcomes


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def answer_rates(outcomes: list[QuestionOutcome], threshold: float) -> tuple[float, float, float]:
    """(answered correctly, answered wrongly, out-of-scope answered) at a threshold."""
    in_scope = [o for o in outcomes if o.question.in_scope]
    out_of_scope = [o for o in outcomes if not o.question.in_scope]

    def answered(o: QuestionOutcome) -> bool:
        return o.confidence >= threshold

    return (
        _share([answered(o) and o.top1_correct for o in in_scope]),
        _share([answered(o) and not o.top1_correct for o in in_scope]),
        _share([answered(o) for o in out_of_scope]),
    )


def calibrate_threshold(
    outcomes: list[QuestionOutcome], max_false: float = MAX_OUT_OF_SCOPE_FALSE_ANSWERS
) -> float:
    """The threshold answering the most questions correctly while out-of-scope answers stay <= max_false."""
    candidates = sorted({round(o.confidence, 4) for o in outcomes} | {1.01})
    best_threshold, best_correct = candidates[-1], -1.0
    for threshold in candidates:
        correct, wrong, false_oos = answer_rates(outcomes, threshold)
        if false_oos <= max_false and correct - wrong > best_correct:
            best_threshold, best_correct = threshold, correct - wrong
    return best_threshold


def summarize(name: str, outcomes: list[QuestionOutcome], threshold: float) -> MethodSummary:
    in_scope = [o for o in outcomes if o.question.in_scope]
    ranks = [o.first_correct_rank for o in in_scope]
    correct, wrong, false_oos = answer_rates(outcomes, threshold)
    latencies = [o.latency_seconds * 1000 for o in outcomes]
    return MethodSummary(
        name=name,
        threshold=threshold,
        top1=_share([r == 1 for r in ranks]),
        recall_at_3=_share([r is not None and r <= 3 for r in ranks]),
        mrr=statistics.fmean(1.0 / r if r else 0.0 for r in ranks) if ranks else 0.0,
        top1_with_diacritics=_share(
            [o.top1_correct for o in in_scope if o.question.has_diacritics]
        ),
        top1_without_diacritics=_share(
            [o.top1_correct for o in in_scope if not o.question.has_diacritics]
        ),
        answered_correctly=correct,
        answered_wrongly=wrong,
        out_of_scope_false_answers=false_oos,
        latency_p50_ms=float(np.percentile(latencies, 50)) if latencies else 0.0,
        latency_p95_ms=float(np.percentile(latencies, 95)) if latencies else 0.0,
        in_scope_count=len(in_scope),
        out_of_scope_count=len(outcomes) - len(in_scope),
    )


def threshold_curve(outcomes: list[QuestionOutcome], points: int = 101) -> dict[str, list[float]]:
    confidences = [o.confidence for o in outcomes] or [0.0]
    grid = np.linspace(min(confidences), max(confidences), points).tolist()
    rates = [answer_rates(outcomes, t) for t in grid]
    return {
        "threshold": grid,
        "answered_correctly": [r[0] for r in rates],
        "answered_wrongly": [r[1] for r in rates],
        "out_of_scope_answered": [r[2] for r in rates],
    }
