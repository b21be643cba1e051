"""Hand over to a person: the request goes on the staff's desk (knowledge service), and the
citizen is told honestly whether someone is there now or when the office opens.

A request the citizen made pauses the bot (Rasa's ConversationPaused): what they write next
goes to the desk (bot/channels/live_handoff.py) until staff end it or the citizen goes back
to the bot. After repeated fallbacks the bot only offers this; it does not go silent.

The request says which channel the citizen uses (only socket.io reports whether they are
still there) and carries the keyed hash of their address the channel put in the message's
metadata, so the desk can cap one address's open requests; over the cap the citizen is
pointed to the other ways of reaching a person. A request the desk did not take is no
handoff: its turn is `rejected` (over the cap) or `unavailable` (no desk), not handed_over."""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import transcript
from actions.knowledge_client import HandoffRefused, KnowledgeUnavailable, client_key_of
from actions.shared_client import UsesKnowledgeClient
from actions.turn_status import status_set, utter_turn
from shared.contract import HandoffReason

logger = logging.getLogger(__name__)


class ActionHandoff(UsesKnowledgeClient, Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        requested = (tracker.latest_message.get("intent") or {}).get("name") == "request_human"
        reason: HandoffReason = "requested" if requested else "repeated_fallback"
        try:
            opening = await self._client.record_handoff(
                tracker.sender_id,
                reason,
                transcript(tracker),
                tracker.get_slot("last_document_id"),
                channel=tracker.get_latest_input_channel(),
                client_key=client_key_of(tracker.latest_message.get("metadata")),
            )
        except KnowledgeUnavailable as exc:
            # No desk to reach, or no room on it for this address: the citizen still gets the human channels.
            refused = isinstance(exc, HandoffRefused)
            logger.log(logging.WARNING if refused else logging.ERROR, "Handoff not stored: %s", exc)
            if not requested:
                dispatcher.utter_message(response="utter_handoff_after_fallbacks")
            return utter_turn(
                dispatcher, "rejected" if refused else "unavailable", "utter_handoff_channels"
            )
        if not requested:
            dispatcher.utter_message(response="utter_handoff_after_fallbacks")
            return utter_turn(dispatcher, "handed_over", "utter_handoff_channels")
        if opening.get("live"):
            dispatcher.utter_message(response="utter_handoff_live")
        else:  # nobody to take it now: when someone will read it, and the channels for urgent needs
            dispatcher.utter_message(
                response="utter_handoff_later",
                next_opening=opening.get("next_opening_text"),
                office_hours=opening.get("office_hours"),
            )
            dispatcher.utter_message(response="utter_handoff_channels")
        return [
            status_set("handed_over"),
            ConversationPaused(),
        ]  # the domain responses carry the payload
