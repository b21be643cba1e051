"""The maintenance switch: staff announce downtime; the widget shows it with the contacts.

Kept as a small JSON file beside the index directory (written atomically), so every
knowledge-service replica that serves the same index sees the same switch, and flipping it
needs neither a deploy nor a restart.
"""

from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from knowledge.config import Settings
from knowledge.platform.files import write_text_atomically

DEFAULT_NOTICE = "Trợ lý đang được bảo trì, bạn vui lòng quay lại sau ít phút."


class MaintenanceState(BaseModel):
    enabled: bool = False
    message: str = Field(default=DEFAULT_NOTICE, min_length=1, max_length=500)
    updated_at: datetime | None = None
    updated_by: str | None = None


def maintenance_file(settings: Settings) -> Path:
    return settings.index_dir.parent / "maintenance.json"


def read_state(settings: Settings) -> MaintenanceState:
    """Off when the file is missing or unreadable: a broken switch must not hide the bot."""
    try:
        return MaintenanceState.model_validate_json(
            maintenance_file(settings).read_text(encoding="utf-8")
        )
    except (OSError, ValidationError):
        return MaintenanceState()


def write_state(
    settings: Settings, enabled: bool, message: str | None, actor: str
) -> MaintenanceState:
    state = MaintenanceState(
        enabled=enabled,
        message=(message or "").strip() or DEFAULT_NOTICE,
        updated_at=datetime.now(UTC),
        updated_by=actor,
    )
    write_text_atomically(maintenance_file(settings), state.model_dump_json(indent=2))
    return state
