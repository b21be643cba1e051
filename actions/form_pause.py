"""Pause a guided form the citizen has moved away from, and offer to continue it later."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.form_questions import REASKED_SLOT

# Each form's "continue" button: its label, and the intent that starts the form again. The
# slots already answered are kept, so the form goes on from the question it had reached.
RESUME_BUTTON = {
    "vneid_login_form": ("Tiếp tục hướng dẫn đăng nhập VNeID", "/troubleshoot_login"),
    "signature_form": ("Tiếp tục hướng dẫn chọn chữ ký số", "/choose_signature"),
    "level4_form": ("Tiếp tục hướng dẫn nộp hồ sơ trực tuyến", "/submit_online_service"),
}


class ActionPauseForm(Action):
    """Predicted by FormPatiencePolicy after a second interruption or a change of topic."""

    def name(self) -> str:
        return "action_pause_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        form = tracker.active_loop.get("name")
        if form in RESUME_BUTTON:
            title, payload = RESUME_BUTTON[form]
            dispatcher.utter_message(
                response="utter_form_paused", buttons=[{"title": title, "payload": payload}]
            )
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet(REASKED_SLOT, False)]
