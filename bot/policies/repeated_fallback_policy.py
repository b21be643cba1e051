"""Hand the conversation to a person after two fallbacks in a row.

A turn "fell back" when the bot's last reply carried a status of the response contract's
FELL_BACK (not found, out of scope, not processed, a service down). Reading the payload of
the actual replies catches every path to a fallback (NLU fallback, the knowledge base
declining, an out-of-scope intent) without a counter slot in each of them. A handoff, even
one the desk could not take (its turn then falls back too), starts the count again: the
citizen has just been given the ways to reach a person.
"""

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.policies.deterministic import DeterministicPolicy
from shared.contract import FELL_BACK, status_of


def _turn_statuses(tracker: DialogueStateTracker, handoff_action: str) -> list[list[str]]:
    """Contract statuses of the bot's replies, per user turn, most recent turn first, from
    the turn after the last handoff on."""
    turns: list[list[str]] = [[]]
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            turns.append([])
        elif isinstance(event, ActionExecuted) and event.action_name == handoff_action:
            turns.pop()  # the handoff's own turn
            break
        elif isinstance(event, BotUttered):
            status = status_of((event.data or {}).get("custom"))
            if status:
                turns[-1].append(status)
    return turns


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class RepeatedFallbackPolicy(DeterministicPolicy):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": 7, "handoff_action": "action_handoff", "fallbacks_before_handoff": 2}

    def _should_hand_over(self, tracker: DialogueStateTracker) -> bool:
        needed = self.config["fallbacks_before_handoff"]
        turns = _turn_statuses(tracker, self.config["handoff_action"])[:needed]
        return len(turns) == needed and all(
            statuses and statuses[0] in FELL_BACK for statuses in turns
        )

    def next_action(self, tracker: DialogueStateTracker, domain: Domain) -> str | None:
        handoff = self.config["handoff_action"]
        if tracker.latest_action_name == handoff:
            return ACTION_LISTEN_NAME
        if tracker.latest_action_name != ACTION_LISTEN_NAME and self._should_hand_over(tracker):
            return handoff
        return None
