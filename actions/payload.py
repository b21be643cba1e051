"""The response contract: the `custom` payload every bot turn carries."""

from typing import Any, Literal

TurnType = Literal["answer", "clarify", "fallback", "handoff", "smalltalk", "warning", "form"]

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
    return {
        "type": turn_type,
        "topic": topic,
        "sources": sources or [],
        "confidence": None if confidence is None else round(confidence, 4),
    }
