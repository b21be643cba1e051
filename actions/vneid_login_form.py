"""VNeID login troubleshooting: find the failing step, then answer with its document."""

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_advice import SingleDocumentAdvice
from actions.form_validation import ConditionalSlotsValidation
from shared.required_documents import DOCUMENT_FOR_LOGIN_STEP


class ValidateVneidLoginForm(ConditionalSlotsValidation):
    def name(self) -> str:
        return "validate_vneid_login_form"

    def skipped_slots(self, tracker: Tracker) -> set[str]:
        """Whether the phone has NFC only matters when the citizen changed phones."""
        return set() if tracker.get_slot("login_step") == "new_phone" else {"has_nfc"}

    def validate_login_step(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"login_step": value if value in DOCUMENT_FOR_LOGIN_STEP else None}

    def validate_has_nfc(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A typed "không có NFC" arrives as the `nfc` entity's text value, a click as a bool."""
        if isinstance(value, str):
            value = {"true": True, "false": False}.get(value.strip().lower())
        return {"has_nfc": value if isinstance(value, bool) else None}


class ActionVneidLoginAdvice(SingleDocumentAdvice):
    form_slots = ("login_step", "has_nfc")

    def name(self) -> str:
        return "action_vneid_login_advice"

    def document_id(self, tracker: Tracker) -> str | None:
        return DOCUMENT_FOR_LOGIN_STEP.get(tracker.get_slot("login_step") or "")

    def responses_before(self, tracker: Tracker) -> list[str]:
        return ["utter_no_nfc_hint"] if tracker.get_slot("has_nfc") is False else []
