"""Staff flip the maintenance switch (editors), audited like every other write."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from knowledge.api.deps import Admin, Editor, Viewer
from knowledge.content.maintenance import MaintenanceState, read_state, write_state
from knowledge.platform import audit

router = APIRouter(prefix="/admin/api", tags=["admin: maintenance"])


class MaintenanceRequest(BaseModel):
    enabled: bool
    message: str | None = Field(default=None, max_length=500)


@router.get("/maintenance", response_model=MaintenanceState)
def get_maintenance(admin: Admin, _: Viewer) -> MaintenanceState:
    return read_state(admin.settings)


@router.put("/maintenance", response_model=MaintenanceState)
def set_maintenance(request: MaintenanceRequest, admin: Admin, editor: Editor) -> MaintenanceState:
    with admin.db.write() as session:
        state = write_state(admin.settings, request.enabled, request.message, editor.username)
        audit.record(
            session,
            editor.username,
            "maintenance",
            "on" if request.enabled else "off",
            message=state.message,
        )
    return state
