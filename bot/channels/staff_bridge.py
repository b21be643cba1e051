"""The staff bridge: how the knowledge service's handoff desk acts on a conversation.

POST /webhooks/staff/hold     a staff member took it: the citizen is told, the bot goes silent
POST /webhooks/staff/release  staff ended it: the bot resumes and asks if the help was useful
POST /webhooks/staff/deliver  a staff message to the citizen's widget, if it is connected

Each needs `Authorization: Bearer <BOT_BRIDGE_TOKEN>`; without a configured token every call
is refused. Pausing is Rasa's own ConversationPaused, kept in the tracker store, so a
conversation stays with the person when Rasa restarts.
"""

import hmac
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import records_link
from bot.channels import citizen_sockets, live_handoff
from shared.contract import CONVERSATION_ID_PATTERN, MAX_STAFF_MESSAGE_CHARS

logger = logging.getLogger(__name__)
CONVERSATION = re.compile(CONVERSATION_ID_PATTERN)
MAX_TEXT = MAX_STAFF_MESSAGE_CHARS


def _refusal(request: Request) -> Optional[HTTPResponse]:
    expected = records_link.SETTINGS.bridge_token
    given = (request.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
    if not expected or not given or not hmac.compare_digest(given.encode(), expected.encode()):
        return response.json({"error": "not the staff desk"}, status=401)
    body = request.json if request.body else None
    if not isinstance(body, dict) or not isinstance(body.get("conversation_id"), str) \
            or not CONVERSATION.match(body["conversation_id"]):
        return response.json({"error": "'conversation_id' is required"}, status=400)
    return None


class StaffBridgeInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "staff"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bridge = Blueprint("staff_bridge", __name__)

        def conversation_change(path: Text, change: Callable[[Text, Any], Awaitable[None]], done: Text) -> None:
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
            if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT \
                    or not (name is None or isinstance(name, str)):
                return response.json({"error": f"'text' is required, at most {MAX_TEXT} characters"}, status=400)
            delivered = await citizen_sockets.send_staff_message(request.json["conversation_id"], text, name)
            return response.json({"delivered": delivered})

        return bridge
