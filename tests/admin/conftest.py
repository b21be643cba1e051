"""Admin fixtures: an app on a temporary database and index, with an editor and a viewer."""

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from knowledge.api.app import create_app
from knowledge.cli.admin_commands import publish_folder
from knowledge.config import Settings
from knowledge.documents.model import load_documents
from knowledge.platform.accounts import create_user
from knowledge.platform.database import Database, database_url
from knowledge.platform.models import Role
from knowledge.retrieval.embedding import Embedder, create_embedder
from knowledge.retrieval.index import ensure_index
from knowledge.retrieval.service import KnowledgeService
from tests.conftest import FIXTURE_DOCUMENTS, RECORDS_HEADERS, RECORDS_TOKEN

EDITOR_PASSWORD = "mat-khau-bien-tap"
VIEWER_PASSWORD = "mat-khau-chi-xem"


@dataclass
class AdminClient:
    client: TestClient
    settings: Settings
    editor: dict[str, str]  # Authorization headers
    viewer: dict[str, str]

    def login(self, username: str, password: str) -> dict[str, str]:
        response = self.client.post(
            "/admin/api/login", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}


def login_form_token(client: TestClient) -> str:
    """The login form's anti-forgery field (its cookie stays in the client), as a browser gets it."""
    page = client.get("/admin/login").text
    return re.search(r'name="login_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def page_login(
    client: TestClient, username: str = "bien-tap", password: str = EDITOR_PASSWORD
) -> str:
    """Log in through the page's form, as a browser does; the page's anti-forgery token."""
    data = {"username": username, "password": password, "login_token": login_form_token(client)}
    response = client.post("/admin/login", data=data, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/admin/documents", (
        response.text
    )
    page = client.get("/admin/documents").text
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]


def add_users(settings: Settings) -> None:
    db = Database.open(settings)
    try:
        create_user(db, settings, "bien-tap", EDITOR_PASSWORD, Role.EDITOR)
        create_user(db, settings, "chi-xem", VIEWER_PASSWORD, Role.VIEWER)
    finally:
        db.dispose()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """With KB_TEST_POSTGRES_URL set (a throw-away database: its public schema is dropped
    before each test), the admin tests run on PostgreSQL instead of SQLite."""
    url = os.environ.get("KB_TEST_POSTGRES_URL")
    if not url:
        return settings
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return settings.model_copy(update={"admin_database_url": url})


@pytest.fixture(scope="session")
def fixture_index(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """The fixture documents' index, built once; tests copy it instead of re-embedding."""
    root = tmp_path_factory.mktemp("fixture-index")
    settings = Settings(documents_dir=FIXTURE_DOCUMENTS, index_dir=root / "index")
    ensure_index(load_documents(settings.documents_dir).documents, embedder, settings)
    return root / "index"


@contextmanager
def running_admin(settings: Settings, embedder: Embedder) -> Iterator[AdminClient]:
    """The app with its lifespan running (migrations, published documents), logged in twice."""
    app = create_app(settings, KnowledgeService(settings, embedder))
    with TestClient(app, headers=RECORDS_HEADERS) as client:
        wrapper = AdminClient(client, settings, {}, {})
        wrapper.editor = wrapper.login("bien-tap", EDITOR_PASSWORD)
        wrapper.viewer = wrapper.login("chi-xem", VIEWER_PASSWORD)
        client.cookies.clear()  # API tests authenticate with the bearer token only
        yield wrapper


@pytest.fixture
def admin(settings: Settings, embedder: Embedder, fixture_index: Path) -> Iterator[AdminClient]:
    shutil.copytree(fixture_index, settings.index_dir)
    add_users(settings)
    with running_admin(settings, embedder) as wrapper:
        yield wrapper


def document_payload(document_id: str = "tai-lieu-moi", **overrides: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "id": document_id,
        "title": "Đổi số điện thoại trên VNeID",
        "topic": "vneid",
        "questions": ["Đổi số điện thoại VNeID thế nào?", "doi sdt vneid"],
        "sources": ["https://example.gov.vn/doi-so-dien-thoai"],
        "reviewed": "2026-10-01",
        "body": "Bạn đổi số điện thoại ngay trong ứng dụng.\n\n1. Mở VNeID.\n2. Chọn **Cài đặt**.",
    }
    payload.update(overrides)
    return payload


def update_payload(version: int, **overrides: object) -> dict[str, object]:
    payload = document_payload(**overrides)
    payload.pop("id")
    return {**payload, "version": version}


def sql(settings: Settings, statement: str) -> list[tuple]:
    """Run SQL on the admin database (SQLite or PostgreSQL) behind the API's back."""
    engine = create_engine(database_url(settings))
    try:
        with engine.begin() as connection:
            result = connection.execute(text(statement))
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def table_counts(settings: Settings) -> dict[str, int]:
    """Rows per table, to show that a refused request stored nothing."""
    tables = ["documents", "document_revisions", "unanswered_questions", "publications"]
    return {t: sql(settings, f"SELECT COUNT(*) FROM {t}")[0][0] for t in tables}


@pytest.fixture
def clean_documents_dir(documents_dir):  # type: ignore[no-untyped-def]
    """The fixture documents without the two deliberately broken files."""
    for name in ("broken-front-matter.md", "missing-fields.md"):
        (documents_dir / "vneid" / name).unlink()
    return documents_dir


def published_seed(tmp: Path, embedder: Embedder | None = None) -> Settings:
    """Settings over a copy of the valid fixture documents, with the two accounts, imported
    and published as `kb import --publish` does (for tests that run their own app)."""
    documents = tmp / "documents"
    shutil.copytree(FIXTURE_DOCUMENTS, documents)
    for name in ("broken-front-matter.md", "missing-fields.md"):
        (documents / "vneid" / name).unlink()
    settings = Settings(
        documents_dir=documents, index_dir=tmp / "index", records_token=RECORDS_TOKEN
    )
    add_users(settings)
    publish_folder(settings, embedder or create_embedder(settings), documents, "cli")
    return settings
