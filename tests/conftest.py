"""Shared fixtures: settings on a copy of small fixture documents, one embedder per session."""

import shutil
from pathlib import Path

import pytest

from knowledge.config import Settings
from knowledge.embedding import Embedder, create_embedder

FIXTURE_DOCUMENTS = Path(__file__).parent / "fixtures" / "documents"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return create_embedder(Settings())


@pytest.fixture
def documents_dir(tmp_path: Path) -> Path:
    target = tmp_path / "documents"
    shutil.copytree(FIXTURE_DOCUMENTS, target)
    return target


@pytest.fixture
def settings(tmp_path: Path, documents_dir: Path) -> Settings:
    return Settings(documents_dir=documents_dir, index_dir=tmp_path / "index", records_db=tmp_path / "records.sqlite3")
