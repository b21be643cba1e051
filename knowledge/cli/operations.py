"""Operators' commands: the maintenance switch and a retention pass (`kb maintenance`, `kb retention`)."""

import getpass
from typing import Annotated

import typer

from knowledge.config import get_settings
from knowledge.content.maintenance import read_state, write_state
from knowledge.desk.rasa_bridge import RasaBridge
from knowledge.platform import audit
from knowledge.platform.database import Database
from knowledge.records.retention import apply_retention


def maintenance(
    switch: Annotated[str, typer.Argument(help="on | off | status")],
    message: Annotated[
        str | None, typer.Option(help="Notice shown to citizens (Vietnamese)")
    ] = None,
) -> None:
    """Show or flip the maintenance notice the web widget displays; no restart needed."""
    settings = get_settings()
    if switch == "status":
        state = read_state(settings)
        typer.echo(f"maintenance {'on' if state.enabled else 'off'}: {state.message}")
        return
    if switch not in ("on", "off"):
        raise typer.BadParameter("expected on, off or status")
    actor = f"cli:{getpass.getuser()}"
    database = Database.open(settings)
    try:
        with database.write() as session:
            state = write_state(settings, switch == "on", message, actor)
            audit.record(session, actor, "maintenance", switch, message=state.message)
    finally:
        database.dispose()
    typer.echo(f"maintenance {switch}: {state.message}")


def retention() -> None:
    """Delete conversations and records older than KB_RETENTION_DAYS now (the service does it hourly)."""
    settings = get_settings()
    report = apply_retention(settings, RasaBridge(settings).delete_idle_conversations)
    if report is None:
        typer.echo("KB_RETENTION_DAYS is not set: nothing is deleted.")
        raise typer.Exit(1)
    typer.echo(
        f"Deleted {report.conversations or 0} conversations and {report.records} records "
        f"older than {report.cutoff:%Y-%m-%d %H:%M} UTC"
    )
    if report.conversations is None:
        typer.echo(
            "The chat server did not delete its conversations (is Rasa running with STAFF_BRIDGE_TOKEN?)."
        )
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(maintenance)
    app.command()(retention)
