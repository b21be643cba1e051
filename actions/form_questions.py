"""A form's question, asked in full once, and briefly when the form comes back to it.

A form returns to its question after every interruption (a question answered, a warning).
Repeating the whole question each time nags; the first time back it is asked in a short
form (`utter_reask_<slot>`, same buttons), and `form_reasked` lets FormPatiencePolicy end
the form if the citizen interrupts again. When the interrupting reply already asked the
citizen something (a choice among documents), the form stays silent: one question per turn.
"""

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from shared.contract import status_of

REASKED_SLOT = "form_reasked"
LISTEN = "action_listen"
EXTRACT_SLOTS = "action_extract_slots"


def returns_after_interruption(tracker: Tracker) -> bool:
    """The form asks again after another action answered the citizen's last message. The
    form hands its ask action a tracker ending in its own execution, so the action that
    counts is the one before; at activation and after a filled slot it is the listen (or
    the slot extraction that follows every message)."""
    form = tracker.active_loop.get("name")
    names = [
        event.get("name") for event in reversed(tracker.events) if event.get("event") == "action"
    ]
    if names and names[0] == form:
        names = names[1:]
    return bool(names) and names[0] not in (LISTEN, EXTRACT_SLOTS, form)


def asked_something_since_message(tracker: Tracker) -> bool:
    """Whether a reply to the citizen's last message offered a choice (a clarify turn)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        custom = (event.get("data") or {}).get("custom") if event.get("event") == "bot" else None
        if status_of(custom) == "clarified":
            return True
    return False


class FormQuestion(Action, ABC):
    """Abstract, so rasa-sdk registers only the per-slot subclasses."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The form slot this action asks for."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if not returns_after_interruption(tracker):
            dispatcher.utter_message(response=f"utter_ask_{self.slot}")
            return [SlotSet(REASKED_SLOT, False)]
        if asked_something_since_message(tracker):
            return []
        dispatcher.utter_message(response=f"utter_reask_{self.slot}")
        return [SlotSet(REASKED_SLOT, True)]


class AskLoginStep(FormQuestion):
    slot = "login_step"


class AskHasNfc(FormQuestion):
    slot = "has_nfc"


class AskSignatureHolder(FormQuestion):
    slot = "signature_holder"


class AskSignaturePurpose(FormQuestion):
    slot = "signature_purpose"


class AskSignatureCarrier(FormQuestion):
    slot = "signature_carrier"


class AskServicePortal(FormQuestion):
    slot = "service_portal"
