"""Store a citizen's 👍/👎 on the last answer, with the document it came from, or on the help of
the person who just ended a handed-over conversation."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import last_bot_action, last_question
from actions.knowledge_client import KnowledgeUnavailable
from actions.shared_client import UsesKnowledgeClient
from actions.turn_status import utter_turn

HELPFUL_VALUES = {"yes": True, "no": False}
HANDOFF_ENDED = "utter_handoff_ended"  # said when staff end a handed-over conversation


class ActionRecordFeedback(UsesKnowledgeClient, Action):
    def name(self) -> str:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        value = next(tracker.get_latest_entity_values("helpful"), None)
        helpful = HELPFUL_VALUES.get(str(value).lower())
        if helpful is None:
            return utter_turn(dispatcher, "rejected", "utter_ask_rephrase")
        if last_bot_action(tracker) == HANDOFF_ENDED:
            return await self._rate_handoff(dispatcher, tracker, helpful)
        document_id, question = tracker.get_slot("last_document_id"), last_question(tracker)
        try:
            await self._client.record_feedback(tracker.sender_id, document_id, helpful, question)
        except KnowledgeUnavailable:
            return utter_turn(dispatcher, "unavailable", "utter_feedback_not_saved")
        if not helpful:
            await self._client.report_unanswered(
                tracker.sender_id, question, "thumbs_down", document_id
            )
        response = "utter_feedback_helpful" if helpful else "utter_feedback_not_helpful"
        return utter_turn(dispatcher, "feedback_saved", response)

    async def _rate_handoff(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, helpful: bool
    ) -> list[EventType]:
        """The 👍/👎 under "was the help useful?" rates the person's help, not a document."""
        try:
            await self._client.rate_handoff(tracker.sender_id, helpful)
        except KnowledgeUnavailable:
            return utter_turn(dispatcher, "unavailable", "utter_feedback_not_saved")
        return utter_turn(dispatcher, "feedback_saved", "utter_handoff_rated")
