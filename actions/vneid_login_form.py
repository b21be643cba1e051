"""VNeID login troubleshooting: find the failing step, then answer with its document."""

from typing import Any, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.knowledge_client import KnowledgeUnavailable
from actions.payload import turn_payload
from actions.rendering import utter_document
from actions.shared_client import UsesKnowledgeClient

# The knowledge document that resolves each failing step.
DOCUMENT_FOR_STEP = {
    "activation": "vneid-kich-hoat-tai-khoan",
    "otp": "vneid-khong-nhan-duoc-otp",
    "password": "vneid-quen-mat-khau",
    "passcode": "vneid-quen-passcode",
    "new_phone": "vneid-dien-thoai-moi-nfc",
    "lost_phone": "vneid-mat-dien-thoai-khoa-tai-khoan",
    "qr_login": "vneid-dang-nhap-dvc-quoc-gia-qr",
}


class ValidateVneidLoginForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_vneid_login_form"

    async def required_slots(
        self,
        domain_slots: list[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[Text]:
        """Whether the phone has NFC only matters when the citizen changed phones."""
        if tracker.get_slot("login_step") == "new_phone":
            return domain_slots
        return [slot for slot in domain_slots if slot != "has_nfc"]

    def validate_login_step(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[Text, Any]:
        return {"login_step": value if value in DOCUMENT_FOR_STEP else None}


class ActionVneidLoginAdvice(UsesKnowledgeClient, Action):
    def name(self) -> Text:
        return "action_vneid_login_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        reset = [SlotSet("login_step", None), SlotSet("has_nfc", None)]
        document_id = DOCUMENT_FOR_STEP.get(tracker.get_slot("login_step") or "")
        try:
            document = await self._client.get_document(document_id) if document_id else None
        except KnowledgeUnavailable:
            document = None
            status = "unavailable"
        else:
            status = "no_answer"
        if document is None:
            response = "utter_knowledge_unavailable" if status == "unavailable" else "utter_no_answer"
            dispatcher.utter_message(response=response, json_message=turn_payload("fallback"))
            return [*reset, SlotSet("turn_status", status)]
        if tracker.get_slot("has_nfc") is False:
            dispatcher.utter_message(response="utter_no_nfc_hint")
        return [*reset, *utter_document(dispatcher, document, 1.0)]
