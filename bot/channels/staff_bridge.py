"""The staff bridge: how the knowledge service's handoff desk acts on a conversation.

POST /webhooks/staff/hold     a staff member took it: the citizen is told, the bot goes silent
POST /webhooks/staff/release  staff ended it: the bot resumes and asks if the help was useful
POST /webhooks/staff/deliver  a staff message to the citizen's widget, if it is connected
POST /webhooks/staff/retention conversations idle since `before` (seconds since 1970) deleted
                              through the tracker store (bot/tracker_store.py), never raw SQL

Each needs `Authorization: Bearer <BOT_BRIDGE_TOKEN>`; without a configured token every call
is refused. Pausing is Rasa's own ConversationPaused, kept in the tracker store, so a
conversation stays with the person when Rasa restarts.
"""

import asyncio
import hmac
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import records_link
from bot.channels import citizen_sockets, live_handoff
from bot.tracker_store import LeanSQLTrackerStore
from shared.contract import CONVERSATION_ID_PATTERN, MAX_STAFF_MESSAGE_CHARS

logger = logging.getLogger(__name__)
CONVERSATION = re.compile(CONVERSATION_ID_PATTERN)
MAX_TEXT = MAX_STAFF_MESSAGE_CHARS


def _not_the_desk(request: Request) -> HTTPResponse | None:
    expected = records_link.SETTINGS.bridge_token
    given = (request.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
    if not expected or not given or not hmac.compare_digest(given.encode(), expected.encode()):
        return response.json({"error": "not the staff desk"}, status=401)
    return None


def _refusal(request: Request) -> HTTPResponse | None:
    not_the_desk = _not_the_desk(request)
    if not_the_desk:
        return not_the_desk
    body = request.json if request.body else None
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("conversation_id"), str)
        or not CONVERSATION.fullmatch(body["conversation_id"])
    ):
        return response.json({"error": "'conversation_id' is required"}, status=400)
    return None


def conversation_store(tracker_store: Any) -> LeanSQLTrackerStore | None:
    """The configured store under Rasa's wrappers (fail-safe, awaitable), if it can delete."""
    while tracker_store is not None and not isinstance(tracker_store, LeanSQLTrackerStore):
        tracker_store = getattr(tracker_store, "_tracker_store", None)
    return tracker_store


class StaffBridgeInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "staff"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bridge = Blueprint("staff_bridge", __name__)

        def conversation_change(
            path: str, change: Callable[[str, Any], Awaitable[None]], done: str
        ) -> None:
            async def route(request: Request) -> HTTPResponse:
                refused = _refusal(request)
                if refused:
                    return refused
                await change(request.json["conversation_id"], citizen_sockets.output_channel())
                return response.json({done: True})

            bridge.add_route(route, path, methods=["POST"], name=path.strip("/"))

        conversation_change("/hold", live_handoff.hold, "held")
        conversation_change("/release", live_handoff.release, "released")

        @bridge.route("/deliver", methods=["POST"])
        async def deliver(request: Request) -> HTTPResponse:
            refused = _refusal(request)
            if refused:
                return refused
            text, name = request.json.get("text"), request.json.get("staff_name")
            if (
                not isinstance(text, str)
                or not text.strip()
                or len(text) > MAX_TEXT
                or not (name is None or isinstance(name, str))
            ):
                return response.json(
                    {"error": f"'text' is required, at most {MAX_TEXT} characters"}, status=400
                )
            delivered = await citizen_sockets.send_staff_message(
                request.json["conversation_id"], text, name
            )
            return response.json({"delivered": delivered})

        @bridge.route("/retention", methods=["POST"])
        async def retention(request: Request) -> HTTPResponse:
            refused = _not_the_desk(request)
            if refused:
                return refused
            body = request.json if request.body else None
            before = body.get("before") if isinstance(body, dict) else None
            if not isinstance(before, (int, float)) or isinstance(before, bool):
                return response.json(
                    {"error": "'before' (seconds since 1970) is required"}, status=400
                )
            store = conversation_store(request.app.ctx.agent.tracker_store)
            if store is None:
                return response.json(
                    {"error": "the tracker store cannot delete conversations"}, status=501
                )
            deleted = await asyncio.to_thread(store.delete_conversations_idle_since, float(before))
            return response.json({"deleted": deleted})

        return bridge
