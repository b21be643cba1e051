"""Choosing a digital signature: who signs, what for, which carrier → a cited recommendation."""

from rasa_sdk import Tracker

from actions.form_advice import SingleDocumentAdvice
from actions.form_validation import ConditionalSlotsValidation
from shared.required_documents import DOCUMENT_FOR_CARRIER, NO_SIGNATURE_NEEDED_DOCUMENT


def needs_no_signature(tracker: Tracker) -> bool:
    """A private individual filing a personal dossier usually needs no digital signature at all."""
    return (
        tracker.get_slot("signature_holder") == "individual"
        and tracker.get_slot("signature_purpose") == "public_service"
    )


class ValidateSignatureForm(ConditionalSlotsValidation):
    def name(self) -> str:
        return "validate_signature_form"

    def skipped_slots(self, tracker: Tracker) -> set[str]:
        return {"signature_carrier"} if needs_no_signature(tracker) else set()


class ActionSignatureAdvice(SingleDocumentAdvice):
    form_slots = ("signature_holder", "signature_purpose", "signature_carrier")

    def name(self) -> str:
        return "action_signature_advice"

    def document_id(self, tracker: Tracker) -> str | None:
        if needs_no_signature(tracker):
            return NO_SIGNATURE_NEEDED_DOCUMENT
        return DOCUMENT_FOR_CARRIER.get(tracker.get_slot("signature_carrier") or "")

    def responses_after(self, tracker: Tracker) -> list[str]:
        return [] if needs_no_signature(tracker) else ["utter_signature_next_steps"]
