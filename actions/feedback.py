"""Store a citizen's 👍/👎 on the last answer, with the document it came from."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import last_question
from actions.knowledge_client import KnowledgeUnavailable
from knowledge.contract import turn_payload
from actions.shared_client import UsesKnowledgeClient

HELPFUL_VALUES = {"yes": True, "no": False}


class ActionRecordFeedback(UsesKnowledgeClient, Action):
    def name(self) -> str:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        value = next(tracker.get_latest_entity_values("helpful"), None)
        helpful = HELPFUL_VALUES.get(str(value).lower())
        if helpful is None:
            dispatcher.utter_message(response="utter_ask_rephrase", json_message=turn_payload("fallback"))
            return [SlotSet("turn_status", "rejected")]
        document_id, question = tracker.get_slot("last_document_id"), last_question(tracker)
        try:
            await self._client.record_feedback(tracker.sender_id, document_id, helpful, question)
        except KnowledgeUnavailable:
            dispatcher.utter_message(response="utter_feedback_not_saved", json_message=turn_payload("fallback"))
            return [SlotSet("turn_status", "unavailable")]
        if not helpful:
            await self._client.report_unanswered(tracker.sender_id, question, "thumbs_down", document_id)
        response = "utter_feedback_helpful" if helpful else "utter_feedback_not_helpful"
        dispatcher.utter_message(response=response, json_message=turn_payload("smalltalk"))
        return [SlotSet("turn_status", "feedback_saved")]
