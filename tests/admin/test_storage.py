"""Storage: migrations, WAL, the Markdown serializer, and import → export round trips."""

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from typer.testing import CliRunner

from knowledge.cli.main import app
from knowledge.config import REPO_ROOT, Settings, get_settings
from knowledge.documents.model import load_documents, parse_document, serialize_document
from knowledge.platform.database import Database, alembic_config, upgrade
from knowledge.platform.models import Base

SEED = REPO_ROOT / "kb" / "documents"


def test_migrations_build_exactly_the_models_and_are_idempotent(tmp_path: Path) -> None:
    db = Database.open(Settings(index_dir=tmp_path / "index"))
    upgrade(db.engine)  # a second run is a no-op
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    db.dispose()
    assert (tmp_path / "admin.sqlite3").exists()


def test_turns_stored_with_the_widgets_types_are_renamed_to_turn_statuses(tmp_path: Path) -> None:
    """Migration 0005: what an old type can tell (a fallback becomes not_found), and back."""
    db = Database(f"sqlite:///{tmp_path / 'admin.sqlite3'}")
    old = ["answer", "clarify", "fallback", "handoff", "smalltalk", "warning", "form"]
    with db.engine.begin() as connection:
        config = alembic_config(str(db.engine.url))
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
        for n, status in enumerate(old):
            connection.exec_driver_sql(
                "INSERT INTO turns (created_at, conversation_id, status) "
                f"VALUES ('2026-12-01 10:00:0{n}', 'c', '{status}')"
            )
        command.upgrade(config, "head")
        assert [
            row[0] for row in connection.exec_driver_sql("SELECT status FROM turns ORDER BY id")
        ] == ["answered", "clarified", "not_found", "handed_over", "smalltalk", "warning", "form"]
        connection.exec_driver_sql(
            "INSERT INTO turns (created_at, conversation_id, status) "
            "VALUES ('2026-12-01 10:00:09', 'c', 'no_verified_content')"
        )
        command.downgrade(config, "0004")
        assert [
            row[0] for row in connection.exec_driver_sql("SELECT status FROM turns ORDER BY id")
        ] == [*old, "answer"]
    db.dispose()


def test_serializer_round_trips_every_repository_document() -> None:
    documents = load_documents(SEED).documents
    assert len(documents) >= 15
    identical = 0
    for document in documents:
        text = serialize_document(document)
        assert parse_document(text, expected_id=document.id) == document
        identical += text == (SEED / document.topic.value / f"{document.id}.md").read_text(
            encoding="utf-8"
        )
    assert identical >= len(documents) * 0.8  # the rest differ only in YAML quoting


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KB_INDEX_DIR", str(tmp_path / "index"))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_cli_import_then_export_gives_the_seed_back_byte_for_byte(cli_env: Path) -> None:
    runner = CliRunner()
    imported = runner.invoke(app, ["import", "--publish"])  # a real publication, audited
    assert imported.exit_code == 0, imported.output
    assert runner.invoke(app, ["import"]).output.count("unchanged") == 1  # idempotent
    exported = runner.invoke(app, ["export", str(cli_env / "out")])
    assert exported.exit_code == 0, exported.output
    seed = sorted(p.relative_to(SEED) for p in SEED.rglob("*.md"))
    assert sorted(p.relative_to(cli_env / "out") for p in (cli_env / "out").rglob("*.md")) == seed
    for relative in seed:
        assert (cli_env / "out" / relative).read_bytes() == (SEED / relative).read_bytes()
    with sqlite3.connect(cli_env / "admin.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM documents WHERE status = 'published'").fetchone()[
            0
        ] == len(seed)
        assert db.execute("SELECT author, document_count FROM publications").fetchall() == [
            ("cli", len(seed))
        ]
        assert (
            db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'publish'").fetchone()[0] == 1
        )


def test_a_cli_import_without_publish_changes_nothing_citizens_see(cli_env: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["import"]).exit_code == 0
    with sqlite3.connect(cli_env / "admin.sqlite3") as db:
        assert (
            db.execute("SELECT COUNT(*) FROM documents WHERE status = 'published'").fetchone()[0]
            == 0
        )
    built = runner.invoke(app, ["build-index"])
    assert built.exit_code == 0 and "from the repository folder" in built.output, built.output


def test_cli_import_of_a_broken_folder_stores_nothing(cli_env: Path) -> None:
    result = CliRunner().invoke(
        app, ["import", str(REPO_ROOT / "tests" / "fixtures" / "documents")]
    )
    assert result.exit_code == 1 and "broken-front-matter.md" in result.output
    with sqlite3.connect(cli_env / "admin.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0


def test_cli_create_user(cli_env: Path) -> None:
    runner = CliRunner()
    created = runner.invoke(
        app,
        ["create-user", "lan", "--role", "viewer", "--password-stdin"],
        input="mat-khau-dai-du\n",
    )
    assert created.exit_code == 0, created.output
    assert (
        runner.invoke(
            app,
            ["create-user", "lan", "--role", "viewer", "--password-stdin"],
            input="mat-khau-dai-du\n",
        ).exit_code
        == 1
    )
    assert (
        runner.invoke(
            app, ["create-user", "minh", "--role", "editor", "--password-stdin"], input="ngan\n"
        ).exit_code
        == 1
    )
    assert (
        runner.invoke(
            app,
            ["create-user", "minh", "--role", "boss", "--password-stdin"],
            input="mat-khau-dai-du\n",
        ).exit_code
        == 2
    )
    prompted = runner.invoke(
        app, ["create-user", "minh", "--role", "editor"], input="mat-khau-dai-du\nmat-khau-dai-du\n"
    )
    assert prompted.exit_code == 0, prompted.output
    with sqlite3.connect(cli_env / "admin.sqlite3") as db:
        rows = db.execute(
            "SELECT username, role, password_hash FROM users ORDER BY username"
        ).fetchall()
    assert [(u, r) for u, r, _ in rows] == [("lan", "viewer"), ("minh", "editor")]
    assert all(h.startswith("$argon2id$") for _, _, h in rows)
