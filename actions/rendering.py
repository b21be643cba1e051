"""Render a knowledge document as the bot's answer turn (shared by every answering action)."""

import json
import re
from typing import Any

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.turn_status import utter_turn
from shared.contract import TurnStatus, source_ref

# The same buttons as utter_answer's, for answers assembled from several messages.
FEEDBACK_BUTTONS = (
    {"title": "👍 Có ích", "payload": '/feedback{"helpful": "yes"}'},
    {"title": "👎 Chưa đúng ý tôi", "payload": '/feedback{"helpful": "no"}'},
)


# What the widget would read as Markdown or a link in a citizen's words quoted back.
_MARKUP = re.compile(r"[*_`\[\]()<>\\|#~]+")
_LINK_PARTS = re.compile(r"(?i)[a-z][a-z0-9+.-]*:/+|www\.|(?<=\w)[.@](?=\w)")
QUOTE_LIMIT = 80


def quoted(text: str) -> str:
    """A citizen's words quoted inside a bot message, as plain text: no Markdown marks and
    nothing the widget would turn into a link ("https://x.vn" reads "https x vn"), so a bot
    bubble can never carry a link the citizen (or someone posing as one) typed."""
    plain = _LINK_PARTS.sub(" ", _MARKUP.sub(" ", text))
    return " ".join(plain.split())[:QUOTE_LIMIT]


def single_message(markdown: str) -> str:
    """Rasa's REST channel splits text on blank lines into separate messages; an answer
    must stay one message, so paragraphs are separated by single line breaks instead."""
    return re.sub(r"\n\s*\n+", "\n", markdown.strip())


def choose_button(title: str, document_id: str) -> dict[str, str]:
    """A button that shows one document (intent choose_document)."""
    return {
        "title": title,
        "payload": "/choose_document" + json.dumps({"document_id": document_id}),
    }


def _reviewed_vi(iso_date: str) -> str:
    year, month, day = iso_date.split("-")
    return f"{day}/{month}/{year}"


def document_fields(document: dict[str, Any]) -> dict[str, str]:
    """The template variables of a document shown to citizens (utter_answer, utter_document_section)."""
    return {
        "title": document["title"],
        "answer": single_message(document["answer"]),
        "url": document["url"],
        "reviewed": _reviewed_vi(document["reviewed"]),
    }


def _response_of(document: dict[str, Any]) -> tuple[str, dict[str, str], TurnStatus]:
    """Which response shows this hit, its extra variables, and the turn's status: a section
    the procedure has no sourced fact for is said to be missing, and is no answer."""
    procedure, section, missing = (
        document.get("procedure"),
        document.get("section"),
        document.get("missing_section"),
    )
    if procedure and missing:
        return (
            "utter_procedure_section_missing",
            {"section": missing["heading"], "portal_url": procedure["portal_url"]},
            "no_verified_content",
        )
    if procedure and section:
        return (
            "utter_procedure_section",
            {"section": section["heading"], "portal_url": procedure["portal_url"]},
            "answered",
        )
    return "utter_answer", {}, "answered"


def utter_document(
    dispatcher: CollectingDispatcher, document: dict[str, Any], confidence: float
) -> list[EventType]:
    """One answer message: title (and a procedure's section), the text, source and review
    date, with the contract payload; a procedure's missing section is said to be missing."""
    response, extra, status = _response_of(document)
    events = utter_turn(
        dispatcher,
        status,
        response,
        topic=document["topic"],
        sources=[source_ref(document)],
        confidence=confidence,
        **document_fields(document),
        **extra,
    )
    return [*events, SlotSet("last_document_id", document["id"])]
