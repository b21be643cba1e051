"""The response contract: the `custom` payload every bot turn carries, defined once.

Standard library only: the Rasa environment (channels, policies) and the knowledge
environment (actions, the knowledge service's schemas, tests) both import it.
"""

from typing import Any, Literal, get_args

TurnType = Literal["answer", "clarify", "fallback", "handoff", "smalltalk", "warning", "form"]
TURN_TYPES: tuple[str, ...] = get_args(TurnType)

# Optional fields: `person` (true while a person holds the conversation, false when the bot
# takes it back: the widget then waits without a timeout) and, on a staff message,
# `staff_name`.
OPTIONAL_FIELDS = ("person", "staff_name")

# The fields of each `sources` item, as the knowledge service's SourceRef returns them.
SOURCE_FIELDS = ("id", "title", "topic", "url", "reviewed")


def source_ref(document: dict[str, Any]) -> dict[str, Any]:
    """Reduce a knowledge-service document to the contract's source fields."""
    return {field: document[field] for field in SOURCE_FIELDS}


def turn_payload(
    turn_type: TurnType,
    *,
    topic: str | None = None,
    sources: list[dict[str, Any]] | None = None,
    confidence: float | None = None,
) -> dict[str, Any]:
    """The payload of one turn; the channels add it after the turn's text."""
    return {
        "type": turn_type,
        "topic": topic,
        "sources": sources or [],
        "confidence": None if confidence is None else round(confidence, 4),
    }


# The records contract's key in a message's metadata for the keyed hash of the citizen's address
# (set by the chat channels, read by the handoff action, counted by the desk), and its form.
CLIENT_KEY_METADATA = "client_key"
CLIENT_KEY_PATTERN = r"^[0-9a-fA-F]{16,64}$"

# A message from a staff member in a handed-over conversation: not a bot turn (no turn
# status), drawn by the widget as "Cán bộ hỗ trợ · <display name>".
STAFF_MESSAGE = "staff"


def staff_payload(staff_name: str | None) -> dict[str, Any]:
    return {"type": STAFF_MESSAGE, "topic": None, "sources": [], "confidence": None, "person": True,
            "staff_name": staff_name}
