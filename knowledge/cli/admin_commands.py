"""`kb` subcommands of the admin layer: migrate, import, export, create-user, disable-user."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from knowledge.config import Settings, get_settings
from knowledge.content import transfer
from knowledge.content.document_source import served_documents
from knowledge.content.publishing import Publisher, PublishResult
from knowledge.platform import accounts
from knowledge.platform.database import Database, database_url, upgrade
from knowledge.platform.errors import AdminError
from knowledge.platform.models import Role
from knowledge.retrieval.embedding import Embedder, create_embedder
from knowledge.retrieval.service import KnowledgeService


def _fail(error: AdminError) -> None:
    typer.echo(error.message, err=True)
    for problem in getattr(error, "problems", []):
        typer.echo(f"  {problem}", err=True)
    raise typer.Exit(1)


def migrate() -> None:
    """Create or upgrade the admin database schema (the service also does this at start)."""
    settings = get_settings()
    database = Database(database_url(settings))
    upgrade(database.engine)
    database.dispose()
    typer.echo(
        f"Database schema up to date ({database.engine.url.render_as_string(hide_password=True)})"
    )


def publish_folder(
    settings: Settings, embedder: Embedder, source: Path, actor: str
) -> PublishResult:
    """A folder (or a catalogue file) goes in as a new publication, like a staff import and
    publish: every document checked first, the publication and its audit entry recorded, the
    index rebuilt. A running service picks the new index up (it follows the shared index
    directory)."""
    db = Database.open(settings)
    try:
        documents = transfer.read_path(source, settings)
        with db.write() as session:
            transfer.store_documents(session, documents, actor)
        service = KnowledgeService(settings, embedder, served_documents(settings, db).documents)
        return Publisher(db, service).publish(actor)
    except AdminError as error:
        _fail(error)
        raise  # unreachable: _fail exits
    finally:
        db.dispose()


def import_documents(
    source: Annotated[
        Path | None,
        typer.Argument(
            help="A folder of <topic>/<id>.md files (default: KB_DOCUMENTS_DIR, kb/documents), one .md file, "
            "a .zip of them, or a procedure catalogue as .csv, .json or .docx"
        ),
    ] = None,
    publish: Annotated[
        bool,
        typer.Option(
            "--publish/--draft",
            help="Publish at once (a new publication, audited) or leave drafts for review",
        ),
    ] = False,
    author: str = "cli",
) -> None:
    """Load documents into the database as drafts; nothing is stored if any of them is invalid."""
    settings = get_settings()
    source = source or settings.documents_dir
    if not source.exists():
        typer.echo(f"{source}: no such file or folder", err=True)
        raise typer.Exit(1)
    if publish:
        result = publish_folder(settings, create_embedder(settings), source, author)
        typer.echo(
            f"Published {source} as publication #{result.publication_id} ({result.documents} documents, "
            f"{len(result.changed)} changed)"
        )
        return
    db = Database.open(settings)
    try:
        if source.is_dir():
            with typer.progressbar(
                transfer.read_directory(source), label="Checking", file=sys.stderr
            ) as progress:
                documents = transfer.parse_sources(progress)
        else:
            documents = transfer.read_path(source, settings)
        with db.write() as session:
            report = transfer.store_documents(session, documents, author)
    except AdminError as error:
        _fail(error)
    finally:
        db.dispose()
    typer.echo(
        f"{len(report.created)} created, {len(report.updated)} updated, {len(report.unchanged)} unchanged"
        f" (drafts: review and publish them on the admin page) from {source}"
    )


def export_documents(
    directory: Annotated[
        Path, typer.Argument(help="Written as <topic>/<id>.md, like kb/documents")
    ],
    published: Annotated[
        bool, typer.Option(help="What the bot serves now, instead of the latest versions")
    ] = False,
) -> None:
    """Write the documents' current versions out as Markdown files (byte-for-byte as stored)."""
    db = Database.open(get_settings())
    try:
        with db.read() as session:
            files = transfer.export_files(session, published=published)
        written = transfer.write_directory(files, directory)
    finally:
        db.dispose()
    typer.echo(f"{len(written)} documents written to {directory}")


def create_user(
    name: str,
    role: Annotated[
        Role, typer.Option(help="editor: change and publish; viewer: read and see reports")
    ],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
    update: Annotated[
        bool, typer.Option(help="Reset the password and role of an existing account")
    ] = False,
) -> None:
    """Create a staff account (the password is asked for, or read from stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)
    settings = get_settings()
    db = Database.open(settings)
    try:
        accounts.create_user(db, settings, name, password, role, update=update)
    except AdminError as error:
        _fail(error)
    finally:
        db.dispose()
    typer.echo(f"Account '{name}' ({role.value}) {'updated' if update else 'created'}")


def disable_user(name: str) -> None:
    """Disable an account and end its sessions."""
    db = Database.open(get_settings())
    try:
        accounts.disable_user(db, name)
    except AdminError as error:
        _fail(error)
    finally:
        db.dispose()
    typer.echo(f"Account '{name}' disabled")


def register(app: typer.Typer) -> None:
    app.command("migrate")(migrate)
    app.command("import")(import_documents)
    app.command("export")(export_documents)
    app.command("create-user")(create_user)
    app.command("disable-user")(disable_user)
