"""Read what staff need from a tracker: the transcript and the last question asked."""

from typing import Any

from rasa_sdk import Tracker

from shared.contract import TranscriptLine

QUESTION_INTENTS = {"ask_question", "nlu_fallback"}


def transcript(tracker: Tracker, max_turns: int = 200) -> list[TranscriptLine]:
    """Citizen and bot messages in order (already masked by the chat channels)."""
    turns: list[TranscriptLine] = []
    for event in tracker.events:
        if event.get("event") == "user" and event.get("text"):
            turns.append(TranscriptLine(speaker="citizen", text=event["text"]))
        elif event.get("event") == "bot" and event.get("text"):
            turns.append(TranscriptLine(speaker="bot", text=event["text"]))
    return turns[-max_turns:]


def last_question(tracker: Tracker) -> str | None:
    for event in reversed(tracker.events):
        intent: dict[str, Any] = (event.get("parse_data") or {}).get("intent") or {}
        if event.get("event") == "user" and intent.get("name") in QUESTION_INTENTS:
            return event.get("text")
    return None


def last_bot_action(tracker: Tracker) -> str | None:
    """The bot's last action before the citizen's latest message (action_listen aside)."""
    seen_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_message = True
        elif (
            seen_message and event.get("event") == "action" and event.get("name") != "action_listen"
        ):
            return event.get("name")
    return None
