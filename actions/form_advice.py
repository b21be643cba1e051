"""The last step of every guided form: answer with the knowledge documents the form's slots point to."""

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.form_questions import REASKED_SLOT
from actions.knowledge_client import KnowledgeUnavailable
from actions.rendering import utter_document
from actions.shared_client import UsesKnowledgeClient
from actions.turn_status import utter_turn


class DocumentMissing(Exception):
    """A document the form relies on is not (or no longer) in the published knowledge base."""


class FormAdviceAction(UsesKnowledgeClient, Action, ABC):
    """Clears the form's slots and turns a dead knowledge service or a missing document into a
    polite fallback. Subclasses fetch everything they need before uttering anything, so a
    failure never leaves half an answer on screen. Abstract, so rasa-sdk does not register it."""

    form_slots: tuple[str, ...] = ()

    @abstractmethod
    async def advise(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """Fetch what the slots point to, then utter it; return the events to apply."""

    async def fetch(self, document_id: str | None) -> dict[str, Any]:
        document = await self._client.get_document(document_id) if document_id else None
        if document is None:
            raise DocumentMissing(document_id)
        return document

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        reset: list[EventType] = [
            *(SlotSet(slot, None) for slot in self.form_slots),
            SlotSet(REASKED_SLOT, False),
        ]
        try:
            events = await self.advise(dispatcher, tracker)
        except KnowledgeUnavailable:
            return [*reset, *utter_turn(dispatcher, "unavailable", "utter_knowledge_unavailable")]
        except DocumentMissing:
            return [*reset, *utter_turn(dispatcher, "not_found", "utter_no_answer")]
        return [*reset, *events]


class SingleDocumentAdvice(FormAdviceAction):
    """Forms whose slots select exactly one document, with optional fixed responses around it."""

    @abstractmethod
    def document_id(self, tracker: Tracker) -> str | None:
        """The one document that answers the collected slots."""

    def responses_before(self, tracker: Tracker) -> list[str]:
        return []

    def responses_after(self, tracker: Tracker) -> list[str]:
        return []

    async def advise(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        document = await self.fetch(self.document_id(tracker))
        for response in self.responses_before(tracker):
            dispatcher.utter_message(response=response)
        events = utter_document(dispatcher, document, 1.0)
        for response in self.responses_after(tracker):
            dispatcher.utter_message(response=response)
        return events
