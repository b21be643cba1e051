"""Regression guard on the labelled question set: CI fails if retrieval quality drops."""

import pytest

from knowledge.config import REPO_ROOT, Settings
from knowledge.documents.model import load_documents
from knowledge.evaluation.metrics import load_eval_questions, run_method, summarize
from knowledge.retrieval.embedding import Embedder
from knowledge.retrieval.index import ensure_index
from knowledge.retrieval.search import KnowledgeSearcher, RankingMode, SearchStatus
from stack.services import seed_embedding_cache

QUESTIONS = REPO_ROOT / "eval" / "retrieval_questions.yaml"


@pytest.fixture(scope="module")
def repository_searcher(
    embedder: Embedder, tmp_path_factory: pytest.TempPathFactory
) -> KnowledgeSearcher:
    """The repository's Markdown documents, indexed in a temporary directory: build/index is
    what a running service serves (staff's publications) and is never rebuilt here. Its
    embedding cache, when `make index` made one, is copied in so the build takes seconds."""
    settings = Settings(index_dir=tmp_path_factory.mktemp("repository") / "index")
    seed_embedding_cache(settings.index_dir)
    return KnowledgeSearcher(
        ensure_index(load_documents(settings.documents_dir).documents, embedder, settings),
        embedder,
        settings,
    )


def test_question_set_is_large_and_mostly_unaccented() -> None:
    questions = load_eval_questions(QUESTIONS)
    in_scope = [q for q in questions if q.in_scope]
    assert len(in_scope) >= 250
    assert len(questions) - len(in_scope) >= 60
    assert sum(not q.has_diacritics for q in questions) / len(questions) >= 0.4


def test_hybrid_retrieval_keeps_its_quality(repository_searcher: KnowledgeSearcher) -> None:
    questions = load_eval_questions(QUESTIONS)
    settings = Settings()
    hybrid = summarize(
        "hybrid",
        run_method(repository_searcher, RankingMode.HYBRID, questions),
        settings.answer_threshold,
    )
    lexical = summarize(
        "bm25", run_method(repository_searcher, RankingMode.LEXICAL, questions), 1.0
    )
    assert hybrid.top1 >= 0.85, f"hybrid top-1 fell to {hybrid.top1:.1%}"
    assert hybrid.recall_at_3 >= 0.95
    assert hybrid.top1 > lexical.top1
    assert hybrid.out_of_scope_false_answers <= 0.08


@pytest.mark.parametrize("message", ["lỗi", "otp", "đăng nhập", "quên mật khẩu"])
def test_short_topical_messages_get_choices_not_a_guess(
    repository_searcher: KnowledgeSearcher, message: str
) -> None:
    outcome = repository_searcher.search(message)
    assert outcome.status is SearchStatus.CLARIFY
    assert len(outcome.hits) == 3


@pytest.mark.parametrize("message", ["bóng đá", "thời tiết", "asdkjh", "giá vàng"])
def test_short_unrelated_messages_are_declined(
    repository_searcher: KnowledgeSearcher, message: str
) -> None:
    assert repository_searcher.search(message).status is SearchStatus.NO_ANSWER


def test_procedure_questions_find_their_procedure(repository_searcher: KnowledgeSearcher) -> None:
    """eval/procedure_questions.yaml: written apart from the documents' own phrasings."""
    from knowledge.evaluation.procedures import evaluate_procedures, load_procedure_questions

    path = REPO_ROOT / "eval" / "procedure_questions.yaml"
    questions = load_procedure_questions(path)
    assert len(questions.answered) >= 150
    assert sum(not q.has_diacritics for q in questions.answered) / len(questions.answered) >= 0.4
    report = evaluate_procedures(repository_searcher, path)
    assert report.row("procedure questions").document_top1 >= 0.85, report.rows
    assert report.row("section not in the document (said missing)").section_top1 >= 0.7, report.rows
