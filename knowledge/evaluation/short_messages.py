"""Short messages and follow-ups: what the knowledge service does with two or three words.

eval/short_messages.yaml holds messages of at most four words, in scope (labelled with the
documents that answer them) and out of scope; the figures that matter to a citizen are the
in-scope messages that get a bare "no answer" (they deserve a choice of documents) and the
out-of-scope ones answered confidently. eval/followups.yaml holds two-turn cases: the
follow-up is searched with the first turn's document as context, as the bot does, and alone,
the baseline.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.retrieval.search import KnowledgeSearcher, SearchStatus


@dataclass(frozen=True)
class ShortMessageReport:
    in_scope: int
    answered_right: float
    answered_wrong: float
    choices_with_right: float  # clarify, a right document among the buttons
    choices_without_right: float
    bare_fallback: float
    out_of_scope: int
    out_of_scope_answered: float
    out_of_scope_choices: float


@dataclass(frozen=True)
class FollowupReport:
    cases: int
    document_top1: float  # the follow-up's answer (or first choice) is the expected document
    section_top1: float  # … and, for a procedure, the expected section


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def evaluate_short_messages(searcher: KnowledgeSearcher, path: Path) -> ShortMessageReport:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    labelled = [(str(item["q"]), set(item["expected"])) for item in data["in_scope"]]
    outcomes = [(searcher.search(text), expected) for text, expected in labelled]
    answered = [(o, e) for o, e in outcomes if o.status is SearchStatus.ANSWER]
    offered = [(o, e) for o, e in outcomes if o.status is SearchStatus.CLARIFY]
    unrelated = [searcher.search(str(item["q"])).status for item in data["out_of_scope"]]
    count = len(outcomes)
    return ShortMessageReport(
        in_scope=count,
        answered_right=sum(o.hits[0].document.id in e for o, e in answered) / count,
        answered_wrong=sum(o.hits[0].document.id not in e for o, e in answered) / count,
        choices_with_right=sum(any(h.document.id in e for h in o.hits) for o, e in offered) / count,
        choices_without_right=sum(not any(h.document.id in e for h in o.hits) for o, e in offered)
        / count,
        bare_fallback=_share([o.status is SearchStatus.NO_ANSWER for o, _ in outcomes]),
        out_of_scope=len(unrelated),
        out_of_scope_answered=_share([s is SearchStatus.ANSWER for s in unrelated]),
        out_of_scope_choices=_share([s is SearchStatus.CLARIFY for s in unrelated]),
    )


def evaluate_followups(
    searcher: KnowledgeSearcher, path: Path, *, with_context: bool = True
) -> FollowupReport:
    """The second turn's top document (and section), given the first turn's document as the
    conversation's context (as the bot passes it), or searched alone (`with_context=False`)."""
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    documents, sections = [], []
    for case in cases:
        context = str(case["first_document"]) if with_context else None
        outcome = searcher.search(str(case["followup"]), context_document=context)
        top = (
            outcome.hits[0]
            if outcome.hits and outcome.status is not SearchStatus.NO_ANSWER
            else None
        )
        found = top is not None and top.document.id == case["expected_document"]
        documents.append(found)
        wanted = case.get("expected_section")
        sections.append(
            top is not None
            and found
            and (wanted is None or (top.section is not None and top.section.key.value == wanted))
        )
    return FollowupReport(len(cases), _share(documents), _share(sections))


def short_message_table(report: ShortMessageReport) -> str:
    return "\n".join(
        [
            "| short messages (≤ 4 words) | count | answered right | answered wrong | choices incl. a right one "
            "| choices, none right | bare fallback |",
            "|---|---|---|---|---|---|---|",
            f"| in scope | {report.in_scope} | {report.answered_right:.1%} | {report.answered_wrong:.1%} | "
            f"{report.choices_with_right:.1%} | {report.choices_without_right:.1%} | {report.bare_fallback:.1%} |",
            f"| out of scope | {report.out_of_scope} | answered confidently {report.out_of_scope_answered:.1%} | – | "
            f"choices {report.out_of_scope_choices:.1%} | – | "
            f"declined {1 - report.out_of_scope_answered - report.out_of_scope_choices:.1%} |",
        ]
    )


def followup_table(with_context: FollowupReport, alone: FollowupReport) -> str:
    return "\n".join(
        [
            "| follow-ups (second turn) | cases | document top-1 | document and section top-1 |",
            "|---|---|---|---|",
            f"| with the first turn's document as context | {with_context.cases} | {with_context.document_top1:.1%} | "
            f"{with_context.section_top1:.1%} |",
            f"| searched alone (baseline) | {alone.cases} | {alone.document_top1:.1%} | {alone.section_top1:.1%} |",
        ]
    )
