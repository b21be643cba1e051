"""Procedure evaluation: does a question find its procedure, and the section that answers it?

Over eval/procedure_questions.yaml (written independently of the documents' own phrasings):
document top-1, section top-1, both split by diacritics; questions about a section the
procedure lacks must be answered "no information" (the missing section named), never with
another section; questions about procedures the knowledge base does not cover must not be
answered confidently.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml
from tqdm import tqdm

from knowledge.retrieval.search import KnowledgeSearcher, SearchStatus
from shared.text import fold_diacritics


@dataclass(frozen=True)
class ProcedureQuestion:
    text: str
    document: str
    section: str

    @property
    def has_diacritics(self) -> bool:
        return fold_diacritics(self.text) != self.text


@dataclass(frozen=True)
class ProcedureQuestions:
    answered: list[ProcedureQuestion]  # the section exists in the document
    missing: list[ProcedureQuestion]  # the section does not: "no information"
    out_of_scope: list[str]


@dataclass(frozen=True)
class ProcedureRow:
    name: str
    count: int
    document_top1: float
    section_top1: float  # the right document and the right section (or "missing" named)


@dataclass(frozen=True)
class ProcedureReport:
    rows: list[ProcedureRow]
    out_of_scope_count: int
    out_of_scope_answered: float  # answered confidently from the knowledge base

    def row(self, name: str) -> ProcedureRow:
        return next(r for r in self.rows if r.name == name)


def load_procedure_questions(path: Path) -> ProcedureQuestions:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))

    def labelled(items: list[dict[str, str]]) -> list[ProcedureQuestion]:
        return [
            ProcedureQuestion(str(i["q"]), str(i["document"]), str(i["section"]))
            for i in items or []
        ]

    return ProcedureQuestions(
        labelled(data["questions"]),
        labelled(data.get("missing")),
        [str(i["q"]) for i in data.get("out_of_scope") or []],
    )


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def _outcome(
    searcher: KnowledgeSearcher, question: ProcedureQuestion, missing: bool
) -> tuple[bool, bool]:
    hits = searcher.rank(question.text)
    if not hits or hits[0].document.id != question.document:
        return False, False
    top = hits[0]
    if missing:
        return (
            True,
            top.missing_section is not None and top.missing_section.value == question.section,
        )
    return True, top.section is not None and top.section.key.value == question.section


def _row(name: str, outcomes: list[tuple[ProcedureQuestion, tuple[bool, bool]]]) -> ProcedureRow:
    return ProcedureRow(
        name,
        len(outcomes),
        _share([d for _, (d, _) in outcomes]),
        _share([s for _, (_, s) in outcomes]),
    )


def evaluate_procedures(searcher: KnowledgeSearcher, path: Path) -> ProcedureReport:
    questions = load_procedure_questions(path)
    outcomes = [
        (q, _outcome(searcher, q, missing=False))
        for q in tqdm(
            questions.answered, desc="Evaluating procedures", unit="question", disable=None
        )
    ]
    missing = [(q, _outcome(searcher, q, missing=True)) for q in questions.missing]
    rows = [
        _row("procedure questions", outcomes),
        _row("  with diacritics", [o for o in outcomes if o[0].has_diacritics]),
        _row("  without diacritics", [o for o in outcomes if not o[0].has_diacritics]),
        _row("section not in the document (said missing)", missing),
    ]
    answered = [searcher.search(q).status is SearchStatus.ANSWER for q in questions.out_of_scope]
    return ProcedureReport(rows, len(questions.out_of_scope), _share(answered))


def procedure_table(report: ProcedureReport) -> str:
    lines = ["| procedure set | questions | document top-1 | section top-1 |", "|---|---|---|---|"]
    lines += [
        f"| {r.name} | {r.count} | {r.document_top1:.1%} | {r.section_top1:.1%} |"
        for r in report.rows
    ]
    lines.append(
        f"| out of scope, answered confidently | {report.out_of_scope_count} | "
        f"{report.out_of_scope_answered:.1%} | – |"
    )
    return "\n".join(lines)
