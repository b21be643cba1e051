"""Markdown and PNG output of retrieval evaluations."""

from pathlib import Path

from knowledge.evaluation.metrics import MethodSummary

COLUMNS = [
    ("method", lambda s: s.name),
    ("top-1", lambda s: f"{s.top1:.1%}"),
    ("recall@3", lambda s: f"{s.recall_at_3:.1%}"),
    ("MRR", lambda s: f"{s.mrr:.3f}"),
    ("top-1 accented", lambda s: f"{s.top1_with_diacritics:.1%}"),
    ("top-1 unaccented", lambda s: f"{s.top1_without_diacritics:.1%}"),
    ("threshold", lambda s: f"{s.threshold:.3f}"),
    ("answered right", lambda s: f"{s.answered_correctly:.1%}"),
    ("answered wrong", lambda s: f"{s.answered_wrongly:.1%}"),
    ("out-of-scope answered", lambda s: f"{s.out_of_scope_false_answers:.1%}"),
    ("p50 ms", lambda s: f"{s.latency_p50_ms:.1f}"),
    ("p95 ms", lambda s: f"{s.latency_p95_ms:.1f}"),
]


def markdown_table(summaries: list[MethodSummary]) -> str:
    header = "| " + " | ".join(name for name, _ in COLUMNS) + " |"
    rule = "|" + "---|" * len(COLUMNS)
    rows = ["| " + " | ".join(cell(s) for _, cell in COLUMNS) + " |" for s in summaries]
    return "\n".join([header, rule, *rows])


def plot_threshold_curves(
    curves: dict[str, dict[str, list[float]]], path: Path, title: str
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(curves), figsize=(5 * len(curves), 4), squeeze=False)
    for axis, (name, curve) in zip(axes[0], curves.items()):
        axis.plot(curve["threshold"], curve["answered_correctly"], label="in-scope answered right")
        axis.plot(curve["threshold"], curve["answered_wrongly"], label="in-scope answered wrong")
        axis.plot(curve["threshold"], curve["out_of_scope_answered"], label="out-of-scope answered")
        axis.set_title(name)
        axis.set_xlabel("confidence threshold")
        axis.set_ylim(0, 1)
        axis.grid(alpha=0.3)
    axes[0][0].set_ylabel("share of questions")
    axes[0][0].legend(loc="lower left", fontsize=8)
    figure.suptitle(title)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
