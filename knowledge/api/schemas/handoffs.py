"""Models of the staff's handoff desk under /admin/api/handoffs."""

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from knowledge.api.schemas.admin import AdminRequest
from shared.contract import MAX_STAFF_MESSAGE_CHARS

MAX_REPLY_CHARS = MAX_STAFF_MESSAGE_CHARS
# A display name is what the citizen sees beside "Cán bộ hỗ trợ": a first name or a number,
# never a full name by default, and never markup.
DisplayName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[^<>{}\[\]\\/`]+$"
    ),
]


class DisplayNameRequest(AdminRequest):
    display_name: DisplayName


class StaffReply(AdminRequest):
    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_REPLY_CHARS)
    ]


class TranscriptLine(BaseModel):
    speaker: Literal["citizen", "bot"]
    text: str


class LiveMessage(BaseModel):
    id: int
    author: Literal["citizen", "staff"]
    staff_name: str | None
    text: str
    created_at: dt.datetime
    delivered: bool


class LastDocument(BaseModel):
    id: str
    title: str | None = Field(description="As the bot serves it now; null if no longer served.")


DeskView = Literal["open", "waiting", "claimed", "closed", "abandoned"]
MAX_PER_PAGE = 100


class HandoffView(BaseModel):
    """A request with its conversation. No conversation id: it is the citizen's session secret
    (whoever holds it can write as the citizen); staff know a request by its number."""

    id: int
    label: str = Field(description="What staff call the citizen, e.g. 'Người dân #12'.")
    created_at: dt.datetime
    status: Literal["waiting", "claimed", "closed", "abandoned"]
    live: bool = Field(
        description="A person could take it when it was asked (else it was left out of hours)."
    )
    reason: str
    waiting_seconds: int = Field(
        description="From the request until a staff member claimed it (or until now)."
    )
    claimed_by: str | None = Field(description="Display name, else username, of who holds it.")
    mine: bool
    citizen_present: bool = Field(
        description="The citizen's widget is connected (never true on REST)."
    )
    helpful: bool | None
    last_document: LastDocument | None
    transcript: list[TranscriptLine]
    messages: list[LiveMessage]


class HandoffDesk(BaseModel):
    office_open: bool
    office_hours: str
    staff_online: int
    display_name: str | None = Field(description="The caller's display name shown to citizens.")
    status: DeskView = Field(
        description="The view listed: open (waiting or claimed; the inbox's default) or one status."
    )
    page: int
    per_page: int
    total: int = Field(description="Requests in the view over all pages.")
    handoffs: list[HandoffView] = Field(description="Newest first.")


class StaffMessageSent(BaseModel):
    id: int
    text: str = Field(
        description="As stored and sent: personal data and secrets masked, as in citizens' texts."
    )
    delivered: bool = Field(
        description="False: the citizen's widget is not connected; it gets it on return."
    )
