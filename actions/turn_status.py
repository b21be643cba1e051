"""How every custom action ends its turn: with one status (shared/contract.py) in both the
payload the widget draws by and the `turn_status` slot the policies read, so that what the
citizen saw, what the dashboard counts and what the policies check cannot disagree."""

from typing import Any

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from shared.contract import TURN_STATUS_SLOT, TurnStatus, turn_payload


def status_set(status: TurnStatus) -> SlotSet:
    """The slot event alone, for a turn whose payload a domain response already carries."""
    return SlotSet(TURN_STATUS_SLOT, status)


def utter_turn(
    dispatcher: CollectingDispatcher,
    status: TurnStatus,
    response: str,
    *,
    topic: str | None = None,
    sources: list[dict[str, Any]] | None = None,
    confidence: float | None = None,
    **template: Any,
) -> list[EventType]:
    """Say `response` (its template variables and buttons in `template`) with the turn's
    payload, and set the slot to the same status."""
    dispatcher.utter_message(
        response=response,
        json_message=turn_payload(status, topic=topic, sources=sources, confidence=confidence),
        **template,
    )
    return [status_set(status)]
