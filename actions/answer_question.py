"""Answer a citizen's question from the knowledge base, or clarify, or decline politely."""

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge_client import KnowledgeUnavailable
from knowledge.contract import source_ref, turn_payload
from actions.rendering import choose_button, utter_document
from actions.shared_client import UsesKnowledgeClient

_HAS_WORD = re.compile(r"\w", re.UNICODE)


# Entities of a "/intent{...}" payload are set by Rasa's RegexMessageHandler; the channels let
# such a payload through only when the bot offered it as a button (bot/channels/guard.py).
PAYLOAD_EXTRACTOR = "RegexMessageHandler"


def chosen_document(tracker: Tracker) -> str | None:
    """The document of a "choose" button the citizen pressed; a document id read from typed
    text (the NLU can tag one in "choose_document document_id …") chooses nothing."""
    return next((e.get("value") for e in tracker.latest_message.get("entities") or []
                 if e.get("entity") == "document_id" and e.get("extractor") == PAYLOAD_EXTRACTOR), None)


class ActionAnswerQuestion(UsesKnowledgeClient, Action):
    """Thin: validate the message, ask the knowledge service, render the outcome."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        chosen_id = chosen_document(tracker)
        question = (tracker.latest_message.get("text") or "").strip()
        try:
            if chosen_id:
                document = await self._client.get_document(chosen_id)
                if document is None:
                    return self._decline(dispatcher, "utter_no_answer", "no_answer")
                return self._answer(dispatcher, document, confidence=None)
            if not _HAS_WORD.search(question):
                return self._decline(dispatcher, "utter_ask_rephrase", "rejected")
            if len(question) > self._settings.max_question_chars:
                return self._decline(dispatcher, "utter_question_too_long", "rejected")
            result = await self._client.search(question, top_k=self._settings.clarify_choices,
                                               context_document=tracker.get_slot("last_document_id"))
        except KnowledgeUnavailable:
            return self._decline(dispatcher, "utter_knowledge_unavailable", "unavailable")

        if result["status"] == "answer":
            return self._answer(dispatcher, result["hits"][0], confidence=result["confidence"])
        if result["status"] == "clarify":
            return self._clarify(dispatcher, result["hits"], result["confidence"])
        await self._client.report_unanswered(tracker.sender_id, question, "fallback")
        return self._decline(dispatcher, "utter_no_answer", "no_answer", confidence=result["confidence"])

    def _answer(
        self, dispatcher: CollectingDispatcher, document: dict[str, Any], confidence: float | None
    ) -> list[EventType]:
        return utter_document(dispatcher, document, 1.0 if confidence is None else confidence)

    def _clarify(
        self, dispatcher: CollectingDispatcher, hits: list[dict[str, Any]], confidence: float
    ) -> list[EventType]:
        buttons = [choose_button(hit["title"], hit["id"]) for hit in hits]
        dispatcher.utter_message(
            response="utter_clarify",
            buttons=buttons,
            json_message=turn_payload(
                "clarify",
                topic=hits[0]["topic"],
                sources=[source_ref(hit) for hit in hits],
                confidence=confidence,
            ),
        )
        return [SlotSet("turn_status", "clarified")]

    def _decline(
        self, dispatcher: CollectingDispatcher, response: str, status: str, confidence: float | None = None
    ) -> list[EventType]:
        dispatcher.utter_message(response=response, json_message=turn_payload("fallback", confidence=confidence))
        return [SlotSet("turn_status", status)]
