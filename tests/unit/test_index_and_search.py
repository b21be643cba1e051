from pathlib import Path

import pytest

from knowledge.config import Settings
from knowledge.documents.model import load_documents
from knowledge.retrieval.embedding import Embedder
from knowledge.retrieval.index import ensure_index, load_index
from knowledge.retrieval.search import KnowledgeSearcher, RankingMode, SearchStatus


class CountingEmbedder:
    """Wraps the real embedder and counts what it had to encode."""

    def __init__(self, inner: Embedder) -> None:
        self._inner = inner
        self.encoded = 0

    @property
    def model_id(self) -> str:
        return self._inner.model_id

    def encode_queries(self, texts: list[str]):
        self.encoded += len(texts)
        return self._inner.encode_queries(texts)

    def encode_passages(self, texts: list[str]):
        self.encoded += len(texts)
        return self._inner.encode_passages(texts)


def test_index_is_persisted_and_reused_until_documents_change(
    settings: Settings, embedder: Embedder
) -> None:
    counting = CountingEmbedder(embedder)
    first = ensure_index(load_documents(settings.documents_dir).documents, counting, settings)
    assert counting.encoded > 0
    encoded_after_first_build = counting.encoded

    again = ensure_index(load_documents(settings.documents_dir).documents, counting, settings)
    assert again.fingerprint == first.fingerprint
    assert counting.encoded == encoded_after_first_build  # loaded from disk, nothing embedded

    path = settings.documents_dir / "vneid" / "test-khong-nhan-otp.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("gửi lại mã", "chờ rồi gửi lại mã"),
        encoding="utf-8",
    )
    changed = ensure_index(load_documents(settings.documents_dir).documents, counting, settings)
    assert changed.fingerprint != first.fingerprint
    # Only the edited document's body chunk is new; phrasings come from the embedding cache.
    assert counting.encoded - encoded_after_first_build == 1


def test_corrupt_index_file_is_rebuilt(settings: Settings, embedder: Embedder) -> None:
    index = ensure_index(load_documents(settings.documents_dir).documents, embedder, settings)
    (settings.index_dir / "versions" / index.fingerprint / "vectors.faiss").write_bytes(b"garbage")
    assert load_index(settings.index_dir) is None
    rebuilt = ensure_index(load_documents(settings.documents_dir).documents, embedder, settings)
    assert rebuilt.vectors.ntotal == len(rebuilt.units)


@pytest.fixture
def searcher(settings: Settings, embedder: Embedder) -> KnowledgeSearcher:
    return KnowledgeSearcher(
        ensure_index(load_documents(settings.documents_dir).documents, embedder, settings),
        embedder,
        settings,
    )


@pytest.mark.parametrize("mode", list(RankingMode))
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Tôi quên mật khẩu VNeID", "test-quen-mat-khau"),
        ("toi quen mat khau vneid roi", "test-quen-mat-khau"),
        ("không nhận được mã OTP", "test-khong-nhan-otp"),
        ("chu ky so la gi", "test-chu-ky-so-la-gi"),
    ],
)
def test_every_ranker_finds_the_document_with_or_without_diacritics(
    searcher: KnowledgeSearcher, mode: RankingMode, question: str, expected: str
) -> None:
    assert searcher.rank(question, mode)[0].document.id == expected


def test_accented_and_unaccented_questions_rank_the_same_top_document(
    searcher: KnowledgeSearcher,
) -> None:
    accented = searcher.search("nộp hồ sơ trực tuyến thế nào")
    plain = searcher.search("nop ho so truc tuyen the nao")
    assert accented.hits[0].document.id == plain.hits[0].document.id == "test-nop-ho-so"


def test_unrelated_question_is_not_answered(searcher: KnowledgeSearcher) -> None:
    outcome = searcher.search("thời tiết hôm nay thế nào")
    assert outcome.status is not SearchStatus.ANSWER


def test_search_status_follows_the_thresholds(settings: Settings, embedder: Embedder) -> None:
    index = ensure_index(load_documents(settings.documents_dir).documents, embedder, settings)
    always = KnowledgeSearcher(
        index, embedder, settings.model_copy(update={"answer_threshold": 0.0})
    )
    never = KnowledgeSearcher(
        index,
        embedder,
        settings.model_copy(update={"answer_threshold": 1.0, "clarify_threshold": 1.0}),
    )
    band = KnowledgeSearcher(
        index,
        embedder,
        settings.model_copy(update={"answer_threshold": 1.0, "clarify_threshold": 0.0}),
    )
    question = "tôi quên mật khẩu đăng nhập vneid rồi"  # long enough to skip the short-message rule
    assert always.search(question).status is SearchStatus.ANSWER
    assert never.search(question).status is SearchStatus.NO_ANSWER
    assert band.search(question).status is SearchStatus.CLARIFY


def test_empty_index_answers_nothing(tmp_path: Path, embedder: Embedder) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    settings = Settings(documents_dir=empty, index_dir=tmp_path / "index")
    outcome = KnowledgeSearcher(
        ensure_index(load_documents(settings.documents_dir).documents, embedder, settings),
        embedder,
        settings,
    ).search("quên mật khẩu")
    assert outcome.status is SearchStatus.NO_ANSWER and outcome.hits == []


@pytest.mark.parametrize("question", ["mật khẩu", "mat khau vneid", "ko nhan dc otp", "chữ ký số"])
def test_a_short_message_in_the_documents_words_gets_choices_not_an_apology(
    settings: Settings, embedder: Embedder, question: str
) -> None:
    index = ensure_index(load_documents(settings.documents_dir).documents, embedder, settings)
    unsure = KnowledgeSearcher(
        index,
        embedder,
        settings.model_copy(update={"answer_threshold": 1.0, "clarify_threshold": 1.0}),
    )
    assert unsure.search(question).status is SearchStatus.CLARIFY


@pytest.mark.parametrize(
    "question",
    [
        "giá vàng",  # "vàng" is no word of the documents as typed (folded it would meet "vắng")
        "sao vậy",  # no content word at all
        "karaoke mật khẩu",  # a word the documents never use
    ],
)
def test_a_short_message_off_the_documents_is_declined(
    settings: Settings, embedder: Embedder, question: str
) -> None:
    index = ensure_index(load_documents(settings.documents_dir).documents, embedder, settings)
    unsure = KnowledgeSearcher(
        index,
        embedder,
        settings.model_copy(update={"answer_threshold": 1.0, "clarify_threshold": 1.0}),
    )
    assert unsure.search(question).status is SearchStatus.NO_ANSWER
