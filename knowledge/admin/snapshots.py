"""Published documents as a folder of Markdown files: the source the index is built from.

Each snapshot lives in its own content-addressed folder, written beside the others and
renamed into place, so the folder the service reads from never changes under it. The
database stays the truth: a snapshot whose files differ from it is written again.
"""

import hashlib
import os
import shutil
import uuid
from pathlib import Path

KEPT_SNAPSHOTS = 3


def snapshot_name(sources: dict[str, tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for document_id in sorted(sources):
        topic, source = sources[document_id]
        digest.update(f"{topic}/{document_id}\x00{source}\x00".encode())
    return digest.hexdigest()[:20]


def _matches(directory: Path, sources: dict[str, tuple[str, str]]) -> bool:
    try:
        files = {p.relative_to(directory).as_posix(): p for p in directory.rglob("*.md")}
        if set(files) != {f"{topic}/{doc_id}.md" for doc_id, (topic, _) in sources.items()}:
            return False
        return all(files[f"{topic}/{doc_id}.md"].read_text(encoding="utf-8") == source for doc_id, (topic, source) in sources.items())
    except (OSError, UnicodeDecodeError):
        return False


def write_snapshot(sources: dict[str, tuple[str, str]], root: Path) -> Path:
    """`sources` maps document id → (topic, Markdown text); returns the snapshot folder."""
    target = root / snapshot_name(sources)
    if target.is_dir() and _matches(target, sources):
        os.utime(target)  # newest again, so pruning keeps it
        return target
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".staging-{uuid.uuid4().hex}"
    for document_id, (topic, source) in sources.items():
        path = staging / topic / f"{document_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(source.encode("utf-8"))
    staging.mkdir(parents=True, exist_ok=True)  # an empty knowledge base is a valid snapshot
    if target.exists():
        shutil.rmtree(target, ignore_errors=True)
    os.replace(staging, target)
    _prune(root, keep=target)
    return target


def _prune(root: Path, keep: Path) -> None:
    """Drop leftovers of interrupted writes and all but the newest few snapshots."""
    for leftover in root.glob(".staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    snapshots = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                       key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [p for p in snapshots if p != keep][KEPT_SNAPSHOTS - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
