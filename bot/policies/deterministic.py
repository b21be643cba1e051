"""Base of this bot's safety-net policies: untrained, they name one next action or abstain."""

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker


def events_since_last_message(tracker: DialogueStateTracker) -> list[Event]:
    """What happened after the citizen's last message, most recent first."""
    events: list[Event] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        events.append(event)
    return events


class DeterministicPolicy(Policy):
    """Subclasses implement `next_action`; a named action is predicted with certainty."""

    def train(
        self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        return self._resource

    def next_action(self, tracker: DialogueStateTracker, domain: Domain) -> str | None:
        raise NotImplementedError

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        action = self.next_action(tracker, domain)
        if action is not None:
            probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities)
