"""Forms that ask a question only when an earlier answer makes it matter."""

from abc import ABC, abstractmethod

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict


class ConditionalSlotsValidation(FormValidationAction, ABC):
    """Abstract, so rasa-sdk does not register it as an action of its own."""

    @abstractmethod
    def skipped_slots(self, tracker: Tracker) -> set[str]:
        """The form's slots not worth asking about, given what the citizen said so far."""

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        skipped = self.skipped_slots(tracker)
        return [slot for slot in domain_slots if slot not in skipped]
