"""Hand over to a person: show the human channels and leave staff a record with the transcript."""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import transcript
from actions.knowledge_client import KnowledgeUnavailable
from knowledge.contract import turn_payload
from actions.shared_client import UsesKnowledgeClient

logger = logging.getLogger(__name__)


class ActionHandoff(UsesKnowledgeClient, Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        requested = (tracker.latest_message.get("intent") or {}).get("name") == "request_human"
        reason = "requested" if requested else "repeated_fallback"
        try:
            await self._client.record_handoff(tracker.sender_id, reason, transcript(tracker))
        except KnowledgeUnavailable as exc:
            # The citizen still gets the human channels; only the staff record is missing.
            logger.error("Handoff record for %s not stored: %s", tracker.sender_id, exc)
        if not requested:
            dispatcher.utter_message(response="utter_handoff_after_fallbacks")
        dispatcher.utter_message(response="utter_handoff", json_message=turn_payload("handoff"))
        return [SlotSet("turn_status", "handed_over")]
