"""Submitting a level-4 ("toàn trình") service: which procedure, which portal → cited steps.

The knowledge base describes only some procedures. When it has the one the citizen names,
that document comes first; when it does not, the bot says so and shows how to find the
procedure on the portal. Either way the submission, payment and result-delivery guides follow.
"""

import json
import re
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_advice import FormAdviceAction
from knowledge.contract import source_ref, turn_payload
from actions.rendering import FEEDBACK_BUTTONS, document_fields

SUBMISSION_DOCUMENT = "dvc-nop-ho-so-truc-tuyen"
PAYMENT_DOCUMENT = "dvc-thanh-toan-truc-tuyen"
DELIVERY_DOCUMENT = "dvc-nhan-ket-qua-buu-chinh"
FIND_PROCEDURE_DOCUMENT = "dvc-tim-thu-tuc"
PROVINCIAL_LOGIN_DOCUMENT = "vneid-dang-nhap-cong-dvc-tinh"
# Guides to the steps themselves: a search landing on one of them has not found a procedure.
GENERIC_DOCUMENTS = frozenset(
    {SUBMISSION_DOCUMENT, PAYMENT_DOCUMENT, DELIVERY_DOCUMENT, FIND_PROCEDURE_DOCUMENT}
)
PORTAL_HINT = {"provincial": "utter_level4_provincial_portal", "unsure": "utter_level4_unsure_portal"}
MAX_PROCEDURE_CHARS = 200
_HAS_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def _choose_button(title: str, document_id: str) -> dict[str, str]:
    return {"title": title, "payload": "/choose_document" + json.dumps({"document_id": document_id})}


class ValidateLevel4Form(FormValidationAction):
    def name(self) -> str:
        return "validate_level4_form"

    def validate_procedure_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        name = " ".join(str(value or "").split())
        if not _HAS_LETTER.search(name) or len(name) > MAX_PROCEDURE_CHARS:
            dispatcher.utter_message(response="utter_level4_procedure_unclear")
            return {"procedure_name": None}
        return {"procedure_name": name}


class ActionLevel4Advice(FormAdviceAction):
    form_slots = ("procedure_name", "service_portal")

    def name(self) -> str:
        return "action_level4_advice"

    async def _procedure_document(self, procedure_name: str) -> dict[str, Any] | None:
        """The knowledge base's own guide to this procedure, if it confidently has one."""
        result = await self._client.search(procedure_name, top_k=1)
        if result["status"] != "answer" or not result["hits"]:
            return None
        best = result["hits"][0]
        return None if best["id"] in GENERIC_DOCUMENTS else best

    async def advise(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        procedure_name = tracker.get_slot("procedure_name") or ""
        portal = tracker.get_slot("service_portal") or "unsure"
        procedure = await self._procedure_document(procedure_name) if procedure_name else None
        lead = procedure or await self.fetch(FIND_PROCEDURE_DOCUMENT)
        submission = await self.fetch(SUBMISSION_DOCUMENT)
        payment = await self.fetch(PAYMENT_DOCUMENT)
        delivery = await self.fetch(DELIVERY_DOCUMENT)

        if procedure is None:
            dispatcher.utter_message(response="utter_level4_procedure_not_listed", procedure_name=procedure_name)
        dispatcher.utter_message(response="utter_document_section", **document_fields(lead))
        if portal in PORTAL_HINT:
            dispatcher.utter_message(response=PORTAL_HINT[portal])
        dispatcher.utter_message(response="utter_document_section", **document_fields(submission))
        self._utter_remaining_steps(dispatcher, [lead, submission, payment, delivery], portal)
        return [SlotSet("turn_status", "answered"), SlotSet("last_document_id", lead["id"])]

    @staticmethod
    def _utter_remaining_steps(
        dispatcher: CollectingDispatcher, documents: list[dict[str, Any]], portal: str
    ) -> None:
        """Payment and result delivery one tap away, so the answer stays short; this last
        message cites every document of the turn and carries the feedback buttons."""
        payment, delivery = documents[-2:]
        buttons = [
            _choose_button("Thanh toán phí, lệ phí", payment["id"]),
            _choose_button("Nhận kết quả tại nhà", delivery["id"]),
        ]
        if portal == "provincial":
            buttons.append(_choose_button("Đăng nhập cổng của tỉnh", PROVINCIAL_LOGIN_DOCUMENT))
        dispatcher.utter_message(
            response="utter_level4_remaining_steps",
            payment_title=payment["title"],
            delivery_title=delivery["title"],
            buttons=[*buttons, *FEEDBACK_BUTTONS],
            json_message=turn_payload(
                "answer",
                topic="dich_vu_cong",
                sources=[source_ref(document) for document in documents],
                confidence=1.0,
            ),
        )
