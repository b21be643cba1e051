"""Hand the conversation to a person after two fallbacks in a row.

A turn "fell back" when the bot's reply carried the response contract's
`{"type": "fallback"}` payload (out of scope, no answer, not understood). Reading the
payload of the actual replies catches every path to a fallback (NLU fallback, the
knowledge base declining, an out-of-scope intent) without a counter slot in each of them.
"""

from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.policies.deterministic import DeterministicPolicy


def _turn_types(tracker: DialogueStateTracker) -> List[List[Text]]:
    """Contract types of the bot's replies, per user turn, most recent turn first."""
    turns: List[List[Text]] = [[]]
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            turns.append([])
        elif isinstance(event, BotUttered):
            custom = (event.data or {}).get("custom") or {}
            if isinstance(custom, dict) and custom.get("type"):
                turns[-1].append(custom["type"])
    return turns


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class RepeatedFallbackPolicy(DeterministicPolicy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": 7, "handoff_action": "action_handoff", "fallbacks_before_handoff": 2}

    def _should_hand_over(self, tracker: DialogueStateTracker) -> bool:
        needed = self.config["fallbacks_before_handoff"]
        turns = _turn_types(tracker)[:needed]
        return len(turns) == needed and all(types and types[0] == "fallback" for types in turns)

    def next_action(self, tracker: DialogueStateTracker, domain: Domain) -> Optional[Text]:
        handoff = self.config["handoff_action"]
        if tracker.latest_action_name == handoff:
            return ACTION_LISTEN_NAME
        if tracker.latest_action_name != ACTION_LISTEN_NAME and self._should_hand_over(tracker):
            return handoff
        return None
