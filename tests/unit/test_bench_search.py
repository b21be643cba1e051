"""The benchmark's synthetic corpus, recall and brute force, and the document replicas."""

import numpy as np

from knowledge.config import Settings
from knowledge.documents.model import load_documents
from knowledge.retrieval.chunks import UnitKind
from knowledge.retrieval.index import expand_units
from scripts.bench.index_builds import replicated
from scripts.bench.search_scaling import cosine_gap, grow_corpus, numpy_top_k, recall_at_k
from tests.conftest import FIXTURE_DOCUMENTS


def _unit_rows(n: int, dim: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_grown_corpus_starts_with_the_real_vectors_and_stays_normalised() -> None:
    seeds = _unit_rows(50, 16)
    for blend in (True, False):
        corpus = grow_corpus(seeds, 1234, 0.01, np.random.default_rng(1), blend=blend, chunk=500)
        assert corpus.shape == (1234, 16) and corpus.dtype == np.float32
        np.testing.assert_array_equal(corpus[:50], seeds)
        np.testing.assert_allclose(np.linalg.norm(corpus, axis=1), 1.0, rtol=1e-5)


def test_near_duplicates_sit_close_to_a_real_vector() -> None:
    seeds = _unit_rows(50, 64)
    corpus = grow_corpus(seeds, 500, 0.01, np.random.default_rng(2), blend=False)
    assert (corpus[50:] @ seeds.T).max(axis=1).min() > 0.9


def test_numpy_top_k_matches_a_full_sort_and_recall_counts_overlap() -> None:
    corpus, query = _unit_rows(300, 8), _unit_rows(1, 8, seed=3)[0]
    expected = np.argsort(-(corpus @ query))[:10]
    found = numpy_top_k(corpus, query)
    np.testing.assert_array_equal(found, expected)
    assert recall_at_k(found[None, :], expected[None, :]) == 1.0
    half = np.concatenate([expected[:5], np.full(5, -1)])
    assert recall_at_k(half[None, :], expected[None, :]) == 0.5
    truth_scores = (corpus[expected] @ query)[None, :]
    assert abs(cosine_gap(corpus, query[None, :], found[None, :], truth_scores)) < 1e-6


def test_replicas_have_distinct_ids_and_cold_ones_distinct_unit_texts() -> None:
    base = load_documents(FIXTURE_DOCUMENTS).documents
    settings = Settings()
    for distinct_text in (True, False):
        copies = replicated(base, 3, distinct_text=distinct_text)
        assert len({d.id for d in copies}) == 3 * len(base)
        units = expand_units(copies, settings)
        assert len(units) == 3 * len(
            expand_units(base, settings)
        )  # the "[n]" suffix adds no folded twin
        questions = {u.text for u in units if u.kind is UnitKind.QUESTION}
        originals = {u.text for u in expand_units(base, settings) if u.kind is UnitKind.QUESTION}
        assert len(questions) == (3 if distinct_text else 1) * len(originals)
