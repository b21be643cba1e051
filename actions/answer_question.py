"""Answer a citizen's question from the knowledge base, or clarify, or decline politely."""

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge_client import KnowledgeUnavailable
from actions.rendering import choose_button, utter_document
from actions.shared_client import UsesKnowledgeClient
from actions.turn_status import utter_turn
from shared.contract import source_ref

_HAS_WORD = re.compile(r"\w", re.UNICODE)


# Entities of a "/intent{...}" payload are set by Rasa's RegexMessageHandler; the channels let
# such a payload through only when the bot offered it as a button (bot/channels/guard.py).
PAYLOAD_EXTRACTOR = "RegexMessageHandler"


def chosen_document(tracker: Tracker) -> str | None:
    """The document of a "choose" button the citizen pressed; a document id read from typed
    text (the NLU can tag one in "choose_document document_id …") chooses nothing."""
    return next(
        (
            e.get("value")
            for e in tracker.latest_message.get("entities") or []
            if e.get("entity") == "document_id" and e.get("extractor") == PAYLOAD_EXTRACTOR
        ),
        None,
    )


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
                    return utter_turn(dispatcher, "not_found", "utter_no_answer")
                return self._answer(dispatcher, document, confidence=None)
            if not _HAS_WORD.search(question):
                return utter_turn(dispatcher, "rejected", "utter_ask_rephrase")
            if len(question) > self._settings.max_question_chars:
                return utter_turn(dispatcher, "rejected", "utter_question_too_long")
            result = await self._client.search(
                question,
                top_k=self._settings.clarify_choices,
                context_document=tracker.get_slot("last_document_id"),
            )
        except KnowledgeUnavailable:
            return utter_turn(dispatcher, "unavailable", "utter_knowledge_unavailable")

        if result["status"] == "answered":
            return self._answer(dispatcher, result["hits"][0], confidence=result["confidence"])
        if result["status"] == "clarified":
            return self._clarify(dispatcher, result["hits"], result["confidence"])
        await self._client.report_unanswered(tracker.sender_id, question, "fallback")
        return utter_turn(
            dispatcher, "not_found", "utter_no_answer", confidence=result["confidence"]
        )

    def _answer(
        self, dispatcher: CollectingDispatcher, document: dict[str, Any], confidence: float | None
    ) -> list[EventType]:
        return utter_document(dispatcher, document, 1.0 if confidence is None else confidence)

    def _clarify(
        self, dispatcher: CollectingDispatcher, hits: list[dict[str, Any]], confidence: float
    ) -> list[EventType]:
        return utter_turn(
            dispatcher,
            "clarified",
            "utter_clarify",
            topic=hits[0]["topic"],
            sources=[source_ref(hit) for hit in hits],
            confidence=confidence,
            buttons=[choose_button(hit["title"], hit["id"]) for hit in hits],
        )
