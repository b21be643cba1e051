"""Build, persist and load the search index; rebuild only when documents or model changed.

On disk, `index_dir/versions/<fingerprint>/` holds one complete snapshot and the
`CURRENT` file names the live one. A new snapshot is written beside the old one and
`CURRENT` is switched with an atomic rename, so a crash mid-build keeps the old index.
"""

import hashlib
import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from knowledge.config import Settings
from knowledge.documents.model import KnowledgeDocument
from knowledge.platform.files import write_atomically, write_text_atomically
from knowledge.retrieval.chunks import RetrievalUnit, UnitKind, document_units
from knowledge.retrieval.embedding import Embedder
from knowledge.retrieval.embedding.passage_cache import EmbeddingCache
from knowledge.retrieval.lexical import LexicalIndex
from shared.text import fold_diacritics

logger = logging.getLogger(__name__)

INDEX_FORMAT_VERSION = 2  # 2: units carry a procedure section
KEPT_OLD_VERSIONS = 2


@dataclass
class KnowledgeIndex:
    """An immutable snapshot: documents, their retrieval units and both rankers."""

    fingerprint: str
    model_id: str
    documents: dict[str, KnowledgeDocument]
    units: list[RetrievalUnit]
    vectors: faiss.Index
    lexical: LexicalIndex

    def titles(self) -> dict[str, str]:
        """Each served document's title, by id (what staff reports name documents by)."""
        return {document_id: document.title for document_id, document in self.documents.items()}


def expand_units(documents: list[KnowledgeDocument], settings: Settings) -> list[RetrievalUnit]:
    """All units, plus a diacritics-free copy of each phrasing so unaccented queries meet their twin."""
    units: list[RetrievalUnit] = []
    for document in documents:
        for unit in document_units(document, settings.chunk_max_words):
            units.append(unit)
            folded = fold_diacritics(unit.text)
            if unit.kind is UnitKind.QUESTION and folded != unit.text:
                units.append(RetrievalUnit(unit.document_id, unit.kind, folded, unit.section))
    return units


def compute_fingerprint(
    documents: list[KnowledgeDocument], model_id: str, settings: Settings
) -> str:
    digest = hashlib.sha256()
    header = {"format": INDEX_FORMAT_VERSION, "model": model_id, "chunk": settings.chunk_max_words}
    digest.update(json.dumps(header, sort_keys=True).encode())
    for document in sorted(documents, key=lambda d: d.id):
        digest.update(document.model_dump_json().encode())
    return digest.hexdigest()[:20]


def embed_units(
    units: list[RetrievalUnit], embedder: Embedder, cache: EmbeddingCache
) -> np.ndarray:
    """Phrasings are embedded in the query role (query-to-query match), chunks as passages."""
    vectors = np.zeros((len(units), 0), dtype=np.float32)
    for kind, role in ((UnitKind.QUESTION, "query"), (UnitKind.PASSAGE, "passage")):
        positions = [i for i, u in enumerate(units) if u.kind is kind]
        if not positions:
            continue
        encoded = cache.encode(embedder, [units[i].text for i in positions], role)
        if vectors.shape[1] == 0:
            vectors = np.zeros((len(units), encoded.shape[1]), dtype=np.float32)
        vectors[positions] = encoded
    return vectors


def build_index(
    documents: list[KnowledgeDocument],
    embedder: Embedder,
    settings: Settings,
    cache: EmbeddingCache,
) -> KnowledgeIndex:
    units = expand_units(documents, settings)
    vectors = embed_units(units, embedder, cache)
    flat = faiss.IndexFlatIP(vectors.shape[1] if len(units) else 384)
    if len(units):
        flat.add(vectors)
    return KnowledgeIndex(
        fingerprint=compute_fingerprint(documents, embedder.model_id, settings),
        model_id=embedder.model_id,
        documents={d.id: d for d in documents},
        units=units,
        vectors=flat,
        lexical=LexicalIndex(documents),
    )


def save_index(index: KnowledgeIndex, index_dir: Path) -> None:
    version_dir = index_dir / "versions" / index.fingerprint
    version_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(
        version_dir / "vectors.faiss",
        lambda f: f.write(faiss.serialize_index(index.vectors).tobytes()),
    )
    payload = {
        "fingerprint": index.fingerprint,
        "model_id": index.model_id,
        "documents": [d.model_dump(mode="json") for d in index.documents.values()],
        "units": [
            {
                "document_id": u.document_id,
                "kind": u.kind.value,
                "text": u.text,
                "section": u.section,
            }
            for u in index.units
        ],
    }
    write_text_atomically(version_dir / "snapshot.json", json.dumps(payload, ensure_ascii=False))
    write_text_atomically(index_dir / "CURRENT", index.fingerprint)
    _prune_old_versions(index_dir, keep=index.fingerprint)


def _prune_old_versions(index_dir: Path, keep: str) -> None:
    versions = sorted(
        (index_dir / "versions").iterdir(), key=lambda p: p.stat().st_mtime, reverse=True
    )
    old = [p for p in versions if p.name != keep][KEPT_OLD_VERSIONS:]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)


def current_fingerprint(index_dir: Path) -> str | None:
    """The published version's fingerprint, cheap enough to poll."""
    try:
        return (index_dir / "CURRENT").read_text().strip() or None
    except OSError:
        return None


def load_index(index_dir: Path) -> KnowledgeIndex | None:
    """The live snapshot, or None when there is none or it cannot be read."""
    try:
        fingerprint = (index_dir / "CURRENT").read_text().strip()
        version_dir = index_dir / "versions" / fingerprint
        payload = json.loads((version_dir / "snapshot.json").read_text(encoding="utf-8"))
        raw = np.frombuffer((version_dir / "vectors.faiss").read_bytes(), dtype=np.uint8)
        vectors = faiss.deserialize_index(raw)
    except (OSError, ValueError, RuntimeError) as exc:
        logger.warning("No usable index in %s (%s)", index_dir, exc)
        return None
    documents = [KnowledgeDocument.model_validate(d) for d in payload["documents"]]
    units = [
        RetrievalUnit(u["document_id"], UnitKind(u["kind"]), u["text"], u.get("section"))
        for u in payload["units"]
    ]
    if vectors.ntotal != len(units):
        logger.warning(
            "Index %s is inconsistent (%d vectors, %d units)",
            fingerprint,
            vectors.ntotal,
            len(units),
        )
        return None
    return KnowledgeIndex(
        fingerprint=payload["fingerprint"],
        model_id=payload["model_id"],
        documents={d.id: d for d in documents},
        units=units,
        vectors=vectors,
        lexical=LexicalIndex(documents),
    )


def ensure_index(
    documents: list[KnowledgeDocument], embedder: Embedder, settings: Settings
) -> KnowledgeIndex:
    """Load the live index if it was built from exactly these documents, else build a new one
    and make it live. The documents come from the one document source (what the bot serves):
    this function never decides where they come from."""
    fingerprint = compute_fingerprint(documents, embedder.model_id, settings)
    # Read the small CURRENT pointer first: loading the whole live snapshot (vectors, BM25)
    # only to find it outdated was most of a publish's time.
    if current_fingerprint(settings.index_dir) == fingerprint:
        current = load_index(settings.index_dir)
        if current is not None and current.fingerprint == fingerprint:
            return current
    cache = EmbeddingCache(settings.index_dir / "embedding_cache.npz")
    index = build_index(documents, embedder, settings, cache)
    cache.save()
    save_index(index, settings.index_dir)
    logger.info(
        "Built index %s: %d documents, %d units (%d embedded, %d from cache)",
        index.fingerprint,
        len(index.documents),
        len(index.units),
        cache.misses,
        cache.hits,
    )
    return index
