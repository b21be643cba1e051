"""Submitting a level-4 ("toàn trình") service: which procedure → its filing place and steps.

The procedure is looked up in the published catalogue (the procedure documents): by a title
or alias the citizen's words contain (also in the message that opened the form, so "nộp hồ
sơ khai sinh online" asks nothing more), else among the procedures a search ranks first,
offered as buttons. A procedure found says how far it is online, where to file and its
steps, then payment and result delivery; one the catalogue lacks is said to be missing, with
how to find it on the portal, which the citizen is asked for.
"""

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_advice import DocumentMissing, FormAdviceAction
from actions.form_validation import ConditionalSlotsValidation
from actions.knowledge_client import KnowledgeUnavailable
from actions.rendering import (
    FEEDBACK_BUTTONS,
    choose_button,
    document_fields,
    quoted,
    single_message,
)
from actions.shared_client import UsesKnowledgeClient
from actions.turn_status import utter_turn
from shared.contract import source_ref
from shared.required_documents import (
    DELIVERY_DOCUMENT,
    FIND_PROCEDURE_DOCUMENT,
    PAYMENT_DOCUMENT,
    PROVINCIAL_LOGIN_DOCUMENT,
    SUBMISSION_DOCUMENT,
)
from shared.text import normalize_for_matching

PORTAL_HINT = {
    "provincial": "utter_level4_provincial_portal",
    "vneid": "utter_level4_vneid_portal",
    "police": "utter_level4_police_portal",
    "unsure": "utter_level4_unsure_portal",
}
MAX_PROCEDURE_CHARS = 200
MAX_CHOICES = 3
# The button (and its typed label) for "none of these": the name first typed is kept as a
# procedure the catalogue lacks.
OTHER_PROCEDURE = "Thủ tục khác"
_HAS_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)

# How far a procedure is online, and where it is filed, as the citizen reads it.
ONLINE_TEXT = {
    "full": "làm được toàn trình trên mạng (dịch vụ công trực tuyến toàn trình)",
    "partial": "chỉ làm được một phần trên mạng: có bước bạn vẫn phải làm trực tiếp",
    "in_person": "theo thông tin mình có, hiện chưa nộp trực tuyến được: bạn nộp trực tiếp tại cơ quan giải quyết",
    "unknown": "có nộp trực tuyến được hay không: chưa xác nhận, bạn xem trang thủ tục bên dưới để biết chắc",
}
ONLINE = ("full", "partial")  # where the payment and delivery steps apply
CHANNEL_TEXT = {
    "vneid": "ứng dụng VNeID",
    "national_portal": "Cổng Dịch vụ công quốc gia (dichvucong.gov.vn)",
    "ministry_portal": "cổng dịch vụ công của bộ, ngành",
    "provincial_portal": "cổng dịch vụ công của tỉnh, thành phố",
}
SHOWN_SECTIONS = ("where", "steps")  # the rest is one question away ("cần giấy tờ gì?")
FORM_SLOTS = ("procedure_name", "service_portal", "procedure_id", "procedure_choices")


def _procedure_button(title: str) -> dict[str, str]:
    """The title as payload: clicking it and typing it are the same answer."""
    return {"title": title, "payload": title}


class ValidateLevel4Form(UsesKnowledgeClient, ConditionalSlotsValidation):
    def name(self) -> str:
        return "validate_level4_form"

    def skipped_slots(self, tracker: Tracker) -> set[str]:
        """A procedure from the catalogue says where it is filed: no portal question."""
        return {"service_portal"} if tracker.get_slot("procedure_id") else set()

    async def extract_procedure_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The opening message may already name a catalogue procedure. Only its name is
        returned: validate_procedure_name sets procedure_id (rasa-sdk drops an extracted
        slot the form does not require, even after a validation set it)."""
        if tracker.get_slot("procedure_name") or tracker.get_slot("requested_slot"):
            return {}
        text = tracker.latest_message.get("text") or ""
        if not _HAS_LETTER.search(text) or len(text) > MAX_PROCEDURE_CHARS:
            return {}
        try:
            named = await self._client.named_procedures(text)
        except KnowledgeUnavailable:
            return {}
        chosen = next((p for p in named["procedures"] if p["id"] == named["chosen"]), None)
        return {"procedure_name": chosen["title"]} if chosen else {}

    async def validate_procedure_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        name = " ".join(str(value or "").split())
        if not _HAS_LETTER.search(name) or len(name) > MAX_PROCEDURE_CHARS:
            dispatcher.utter_message(response="utter_level4_procedure_unclear")
            return {"procedure_name": None}
        offered = tracker.get_slot("procedure_choices")
        if offered and normalize_for_matching(name) == normalize_for_matching(OTHER_PROCEDURE):
            return {
                "procedure_name": offered["asked"],
                "procedure_id": None,
                "procedure_choices": None,
            }
        try:
            chosen, candidates = await self._resolve(name)
        except KnowledgeUnavailable:  # the advice says so politely; keep what was typed
            return {"procedure_name": name, "procedure_id": None, "procedure_choices": None}
        if chosen is not None:
            return {
                "procedure_name": chosen["title"],
                "procedure_id": chosen["id"],
                "procedure_choices": None,
            }
        if candidates and not offered:  # action_ask_procedure_name shows them as buttons
            options = [{"id": c["id"], "title": c["title"]} for c in candidates[:MAX_CHOICES]]
            return {
                "procedure_name": None,
                "procedure_choices": {"asked": name, "options": options},
            }
        return {"procedure_name": name, "procedure_id": None, "procedure_choices": None}

    async def _resolve(self, name: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """The one procedure meant, or the likely ones to choose from (maybe none)."""
        named = await self._client.named_procedures(name)
        if named["chosen"]:
            return next(p for p in named["procedures"] if p["id"] == named["chosen"]), []
        if named["procedures"]:
            return None, named["procedures"]
        result = await self._client.search(name, top_k=MAX_CHOICES, kind="procedure")
        confidence = result["confidence"]
        if result["hits"] and confidence >= self._settings.procedure_choice_confidence:
            return result["hits"][0], []
        return None, result[
            "hits"
        ] if confidence >= self._settings.procedure_offer_confidence else []


class ActionAskProcedureName(Action):
    """Asks which procedure, or which of the likely ones, as buttons."""

    def name(self) -> str:
        return "action_ask_procedure_name"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        offered = tracker.get_slot("procedure_choices")
        if not offered:
            dispatcher.utter_message(response="utter_ask_procedure_name")
            return []
        buttons = [_procedure_button(option["title"]) for option in offered["options"]]
        dispatcher.utter_message(
            response="utter_level4_choose_procedure",
            procedure_name=quoted(offered["asked"]),
            buttons=[*buttons, _procedure_button(OTHER_PROCEDURE)],
        )
        return []


class ActionLevel4Advice(FormAdviceAction):
    form_slots = FORM_SLOTS

    def name(self) -> str:
        return "action_level4_advice"

    async def advise(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        procedure_id = tracker.get_slot("procedure_id")
        if procedure_id:
            return await self._advise_procedure(dispatcher, procedure_id)
        return await self._advise_unlisted(dispatcher, tracker)

    async def _advise_procedure(
        self, dispatcher: CollectingDispatcher, procedure_id: str
    ) -> list[EventType]:
        procedure = await self.fetch(procedure_id)
        details = procedure.get("procedure")
        if not details:  # no longer a procedure since the form began
            raise DocumentMissing(procedure_id)
        online = details["online"] in ONLINE
        payment = await self.fetch(PAYMENT_DOCUMENT) if online else None
        delivery = await self.fetch(DELIVERY_DOCUMENT) if online else None
        dispatcher.utter_message(
            response="utter_level4_procedure", **self._procedure_fields(procedure)
        )
        if payment is not None and delivery is not None:
            events = self._utter_remaining_steps(
                dispatcher, [procedure, payment, delivery], "national"
            )
        else:
            events = utter_turn(
                dispatcher,
                "answered",
                "utter_level4_in_person_end",
                topic=procedure["topic"],
                sources=[source_ref(procedure)],
                confidence=1.0,
                buttons=list(FEEDBACK_BUTTONS),
            )
        return [*events, SlotSet("last_document_id", procedure["id"])]

    @staticmethod
    def _procedure_fields(procedure: dict[str, Any]) -> dict[str, str]:
        """Title, how far it is online and where it is filed, then its where and steps sections."""
        details = procedure["procedure"]
        channels = [CHANNEL_TEXT[c] for c in details["file_online_at"] if c in CHANNEL_TEXT]
        status = ONLINE_TEXT[details["online"]]
        if channels and details["online"] in ONLINE:
            status += "; nộp trên " + ", ".join(channels)
        sections = {s["key"]: s for s in procedure.get("sections", [])}
        shown = [sections[key] for key in SHOWN_SECTIONS if key in sections] or [
            s for s in procedure.get("sections", []) if s["key"] == "summary"
        ]
        text = "\n".join(f"**{s['heading']}**\n{single_message(s['text'])}" for s in shown)
        return {
            **document_fields(procedure),
            "status": status,
            "sections": text,
            "portal_url": details["portal_url"],
        }

    async def _advise_unlisted(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        procedure_name = tracker.get_slot("procedure_name") or ""
        portal = tracker.get_slot("service_portal") or "unsure"
        lead = await self.fetch(FIND_PROCEDURE_DOCUMENT)
        submission = await self.fetch(SUBMISSION_DOCUMENT)
        payment = await self.fetch(PAYMENT_DOCUMENT)
        delivery = await self.fetch(DELIVERY_DOCUMENT)
        dispatcher.utter_message(
            response="utter_level4_procedure_not_listed", procedure_name=quoted(procedure_name)
        )
        dispatcher.utter_message(response="utter_document_section", **document_fields(lead))
        if portal in PORTAL_HINT:
            dispatcher.utter_message(response=PORTAL_HINT[portal])
        dispatcher.utter_message(response="utter_document_section", **document_fields(submission))
        events = self._utter_remaining_steps(
            dispatcher, [lead, submission, payment, delivery], portal
        )
        return [*events, SlotSet("last_document_id", lead["id"])]

    @staticmethod
    def _utter_remaining_steps(
        dispatcher: CollectingDispatcher, documents: list[dict[str, Any]], portal: str
    ) -> list[EventType]:
        """Payment and result delivery one tap away, so the answer stays short; this last
        message cites every document of the turn and carries the feedback buttons."""
        payment, delivery = documents[-2:]
        buttons = [
            choose_button("Thanh toán phí, lệ phí", payment["id"]),
            choose_button("Nhận kết quả tại nhà", delivery["id"]),
        ]
        if portal == "provincial":
            buttons.append(choose_button("Đăng nhập cổng của tỉnh", PROVINCIAL_LOGIN_DOCUMENT))
        return utter_turn(
            dispatcher,
            "answered",
            "utter_level4_remaining_steps",
            topic="dich_vu_cong",
            sources=[source_ref(document) for document in documents],
            confidence=1.0,
            payment_title=payment["title"],
            delivery_title=delivery["title"],
            buttons=[*buttons, *FEEDBACK_BUTTONS],
        )
