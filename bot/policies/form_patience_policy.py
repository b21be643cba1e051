"""End a guided form quietly when the citizen has moved on, instead of nagging.

While a form waits for an answer, a question of another kind is answered and the form asks
again — once, briefly (the `action_ask_*` actions). A second such question in a row, or one
answered confidently from another topic (a login form, then "đăng ký tạm trú mất bao lâu"),
means the citizen has changed subject: this policy then predicts the pause action, which
ends the form and offers a button to continue it later, so no turn carries two questions.
"""

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.policies.deterministic import DeterministicPolicy, events_since_last_message
from shared.contract import FROM_A_DOCUMENT, TURN_STATUS_SLOT, status_of


def _latest_turn(tracker: DialogueStateTracker) -> tuple[list[dict[str, Any]], set[str]]:
    """The contract payloads of the bot's replies since the citizen's last message, and the
    slots set meanwhile."""
    payloads, slots = [], set()
    for event in events_since_last_message(tracker):
        if isinstance(event, BotUttered):
            custom = (event.data or {}).get("custom")
            if isinstance(custom, dict):
                payloads.append(custom)
        elif isinstance(event, SlotSet):
            slots.add(event.key)
    return payloads, slots


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class FormPatiencePolicy(DeterministicPolicy):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Above RulePolicy (6), which would otherwise go back to the form.
            "priority": 7,
            "pause_action": "action_pause_form",
            "interrupting_actions": ["action_answer_question"],
            "reasked_slot": "form_reasked",
            "status_slot": TURN_STATUS_SLOT,
            # The topic of each form's own documents: an answer from another topic is a change of subject.
            "form_topics": {
                "vneid_login_form": "vneid",
                "signature_form": "chu_ky_so",
                "level4_form": "dich_vu_cong",
            },
        }

    def _changed_topic(self, form: str, payloads: list[dict[str, Any]]) -> bool:
        own_topic = self.config["form_topics"].get(form)
        answers = [p for p in payloads if status_of(p) in FROM_A_DOCUMENT and p.get("topic")]
        return bool(own_topic and answers and all(p["topic"] != own_topic for p in answers))

    def next_action(self, tracker: DialogueStateTracker, domain: Domain) -> str | None:
        pause = self.config["pause_action"]
        if tracker.latest_action_name == pause:
            return ACTION_LISTEN_NAME
        form = tracker.active_loop_name
        if not form or tracker.latest_action_name not in self.config["interrupting_actions"]:
            return None
        payloads, slots = _latest_turn(tracker)
        if self.config["status_slot"] not in slots:
            return None  # the action failed: ActionFailurePolicy apologises first
        if tracker.get_slot(self.config["reasked_slot"]) or self._changed_topic(form, payloads):
            return pause
        return None
