"""Never leave a citizen in silence when a custom action fails.

When the action server is down or an action crashes, Rasa logs the error, drops the
action's events and listens again: the citizen gets no reply at all. Every custom action
of this bot reports its outcome in the `turn_status` slot (a status of shared/contract.py),
so an action that ran without setting it failed; this policy then predicts a polite apology
with top priority (utter_action_failed, whose status is `unavailable`).
"""

from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import UTTER_PREFIX
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.policies.deterministic import DeterministicPolicy, events_since_last_message
from shared.contract import TURN_STATUS_SLOT


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class ActionFailurePolicy(DeterministicPolicy):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Above RulePolicy (6), which would otherwise predict action_listen.
            "priority": 7,
            "status_slot": TURN_STATUS_SLOT,
            "failure_response": "utter_action_failed",
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Any | None = None,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        self._status_slot = config["status_slot"]
        self._failure_response = config["failure_response"]

    def _custom_action_failed(self, tracker: DialogueStateTracker, domain: Domain) -> bool:
        action = tracker.latest_action_name
        is_custom_action = (
            action in domain.user_actions
            and not action.startswith(UTTER_PREFIX)
            and action not in domain.form_names
        )
        if not is_custom_action:
            return False
        return not any(
            isinstance(event, SlotSet) and event.key == self._status_slot
            for event in events_since_last_message(tracker)
        )

    def next_action(self, tracker: DialogueStateTracker, domain: Domain) -> str | None:
        if tracker.latest_action_name == self._failure_response:
            return ACTION_LISTEN_NAME
        if self._custom_action_failed(tracker, domain):
            return self._failure_response
        return None
