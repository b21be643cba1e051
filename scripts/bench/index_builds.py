"""Full index build time against the number of documents, with the real build functions.

The real documents are replicated under distinct ids and written as Markdown to a
temporary folder; `ensure_index` then parses, chunks, embeds, indexes and saves them into
an empty index folder, exactly as `kb build-index` does.

- cold: an empty embedding cache and every copy's text made distinct (its title and
  phrasings end in "[n]", which folding leaves alone, so the unit count stays n times the
  original's), so every unit is embedded: a first build.
- cached: the copies keep the original text and the cache already holds its embeddings,
  so nothing is embedded: the rest of the build (parse, chunk, FAISS, BM25, save), which is
  what a publish costs besides the edited documents.
"""

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from knowledge.config import Settings
from knowledge.documents.model import KnowledgeDocument, load_documents, serialize_document
from knowledge.retrieval.embedding import Embedder
from knowledge.retrieval.index import ensure_index

CACHE_FILE = "embedding_cache.npz"


def replicate(document: KnowledgeDocument, copy: int, *, distinct_text: bool) -> KnowledgeDocument:
    """Copy number `copy` (1 is the original) under its own id; optionally with its own text."""
    if copy == 1:
        return document
    update: dict[str, object] = {"id": f"{document.id}-ban-{copy}"}
    if distinct_text:
        suffix = f" [{copy}]"
        update |= {
            "title": document.title + suffix,
            "questions": [q + suffix for q in document.questions],
        }
    return document.model_copy(update=update)


def replicated(
    documents: list[KnowledgeDocument], copies: int, *, distinct_text: bool
) -> list[KnowledgeDocument]:
    return [
        replicate(d, c, distinct_text=distinct_text)
        for c in range(1, copies + 1)
        for d in documents
    ]


def write_documents(documents: list[KnowledgeDocument], directory: Path) -> None:
    for document in documents:
        path = directory / document.topic.value / f"{document.id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(serialize_document(document), encoding="utf-8")


@dataclass
class BuildTiming:
    mode: str  # "cold" or "cached"
    copies: int
    documents: int
    units: int
    seconds: float


def timed_build(
    documents: list[KnowledgeDocument],
    workdir: Path,
    embedder: Embedder,
    cache_from: Path | None = None,
) -> tuple[float, int]:
    """Seconds for `ensure_index` on a fresh index folder; the number of units indexed."""
    documents_dir, index_dir = workdir / "documents", workdir / "index"
    write_documents(documents, documents_dir)
    index_dir.mkdir(parents=True)
    if cache_from is not None:
        shutil.copy(cache_from, index_dir / CACHE_FILE)
    loaded = load_documents(documents_dir)
    if loaded.errors or len(loaded.documents) != len(documents):
        raise RuntimeError(f"replicated documents did not load: {loaded.errors[:3]}")
    began = time.perf_counter()
    index = ensure_index(
        loaded.documents, embedder, Settings(documents_dir=documents_dir, index_dir=index_dir)
    )
    return time.perf_counter() - began, len(index.units)


def measure_builds(
    base: list[KnowledgeDocument],
    embedder: Embedder,
    cold: tuple[int, ...],
    cached: tuple[int, ...],
    workdir: Path,
) -> list[BuildTiming]:
    timings: list[BuildTiming] = []
    cache_of_originals: Path | None = None
    jobs = [("cold", n) for n in sorted({1, *cold})] + [("cached", n) for n in sorted(cached)]
    for mode, copies in tqdm(jobs, desc="index builds", unit="build"):
        documents = replicated(base, copies, distinct_text=mode == "cold")
        folder = workdir / f"{mode}-{copies}"
        seconds, units = timed_build(
            documents, folder, embedder, cache_from=cache_of_originals if mode == "cached" else None
        )
        if mode == "cold" and copies == 1:
            cache_of_originals = folder / "index" / CACHE_FILE
        if mode == "cold" and copies not in cold:
            continue  # built only to fill the cache
        timings.append(BuildTiming(mode, copies, len(documents), units, seconds))
        tqdm.write(
            f"  {mode} ×{copies}: {len(documents)} documents, {units} units, {seconds:.1f} s"
        )
    return timings


def embedding_seconds_per_unit(timings: list[BuildTiming]) -> float | None:
    """From the largest size built both ways: (cold − cached) / units."""
    cold = {t.copies: t for t in timings if t.mode == "cold"}
    cached = {t.copies: t for t in timings if t.mode == "cached"}
    both = sorted(set(cold) & set(cached))
    if not both:
        return None
    n = both[-1]
    return (cold[n].seconds - cached[n].seconds) / cold[n].units


def projected_cold(timings: list[BuildTiming], per_unit: float | None) -> list[dict[str, float]]:
    """Cold time where only the cached build was run: cached seconds + units × embedding time
    per unit. A projection, reported as one, never mixed with the measured column."""
    if per_unit is None:
        return []
    measured_cold = {t.copies for t in timings if t.mode == "cold"}
    return [
        {
            "copies": t.copies,
            "documents": t.documents,
            "units": t.units,
            "seconds": t.seconds + t.units * per_unit,
        }
        for t in timings
        if t.mode == "cached" and t.copies not in measured_cold
    ]
