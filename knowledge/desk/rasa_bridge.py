"""The knowledge service's side of the live handoff's link to the chat server: Rasa's staff
bridge (bot/channels/staff_bridge.py) pauses the bot when a person takes a conversation,
resumes it when they end, sends staff messages to the citizen's widget, and deletes old
conversations through Rasa's tracker store for retention."""

import datetime as dt
import logging
from typing import Any

import httpx

from knowledge.config import Settings
from knowledge.platform import messages
from knowledge.platform.errors import ChatServerUnavailable

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5.0
RETENTION_TIMEOUT_SECONDS = 300.0  # one pass over a large tracker store


class RasaBridge:
    def __init__(self, settings: Settings) -> None:
        self._url = settings.rasa_internal_url.rstrip("/") + "/webhooks/staff"
        token = settings.bridge_token.get_secret_value() if settings.bridge_token else None
        self._headers = {"Authorization": f"Bearer {token}"} if token else None

    def _post(
        self, path: str, body: dict[str, Any], action: str, timeout: float = TIMEOUT_SECONDS
    ) -> dict[str, Any]:
        if self._headers is None:
            raise ChatServerUnavailable(messages.CHAT_SERVER_DOWN.format(action=action))
        try:
            response = httpx.post(
                f"{self._url}/{path}", json=body, headers=self._headers, timeout=timeout
            )
            response.raise_for_status()
            return dict(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("Staff bridge %s failed: %s", path, exc)
            raise ChatServerUnavailable(messages.CHAT_SERVER_DOWN.format(action=action)) from exc

    def hold(self, conversation_id: str) -> None:
        """The bot goes silent in this conversation; a person answers."""
        self._post("hold", {"conversation_id": conversation_id}, "nhận cuộc trò chuyện")

    def release(self, conversation_id: str) -> None:
        """The bot answers again and asks whether the help was useful."""
        self._post("release", {"conversation_id": conversation_id}, "kết thúc cuộc trò chuyện")

    def deliver(
        self, conversation_id: str, message_id: int, text: str, staff_name: str | None
    ) -> bool:
        """True when the citizen's widget was connected to receive it; False (never raises)
        when it waits for the citizen's return."""
        body = {
            "conversation_id": conversation_id,
            "id": message_id,
            "text": text,
            "staff_name": staff_name,
        }
        try:
            return bool(self._post("deliver", body, "gửi tin nhắn").get("delivered"))
        except ChatServerUnavailable:
            return False

    def delete_idle_conversations(self, cutoff: dt.datetime) -> int:
        """Rasa deletes every conversation whose newest event is older than `cutoff`; how many."""
        answer = self._post(
            "retention",
            {"before": cutoff.timestamp()},
            "xóa hội thoại cũ",
            RETENTION_TIMEOUT_SECONDS,
        )
        return int(answer["deleted"])
