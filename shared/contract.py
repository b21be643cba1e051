"""The response contract: the `custom` payload every bot turn carries, and the one status
vocabulary of a turn, defined once.

Standard library only: the Rasa environment (channels, policies, the turn-log broker) and
the knowledge environment (actions, the knowledge service's schemas, the dashboard, tests)
both import it.

A turn's status says what the turn did, for everyone who counts or checks turns: the search
API reports its part of it (answered, clarified, not_found: knowledge/retrieval/search.py),
the actions set it in the `turn_status` slot (ActionFailurePolicy reads a custom action that
set none as a failure), the payload carries it as `status`, the chat server's event broker
sends it to the knowledge service, and the staff dashboard and the evaluation count by it.
The widget draws by the payload's `type`, which is derived from the status by
TYPE_OF_STATUS and nowhere else; the widget's types did not change with this vocabulary.

- answered: from a knowledge document, the part that answers the question.
- no_verified_content: the document exists but has nothing verified on what was asked (a
  procedure's section without a sourced fact): drawn like an answer, since it names and
  cites the document, but counted apart from answered, so a gap in the content shows.
- clarified: buttons to choose among the closest documents.
- not_found: the knowledge base does not cover it, or a document the turn needed is gone.
- out_of_scope: not what this bot is for (the NLU's out_of_scope intent).
- rejected: kept, a distinct outcome: the message was not processed as it stands (no words,
  too long for the search, an unreadable rating, a request for a person over the address's
  cap), so nothing was searched and no content is missing.
- unavailable: a service the turn needed did not answer (knowledge service, records, the
  desk, a failed action, the tracker store).
- handed_over: to the staff desk, or to the human channels after repeated fallbacks.
- warning: a safety warning (secrets, scams) or a channel's notice (too fast, too long,
  not forwarded).
- smalltalk: greetings, thanks, the bot's own words between tasks.
- form: a guided form's question.
- feedback_saved: kept, a distinct outcome: the citizen's 👍/👎 was stored (a rating that could
  not be stored is unavailable); the widget draws it as small talk.
"""

from typing import Any, Literal, TypedDict, get_args

# What the widget draws by (web/widget/tro-ly-widget.js); derived from the status, never chosen.
TurnType = Literal["answer", "clarify", "fallback", "handoff", "smalltalk", "warning", "form"]
TURN_TYPES: tuple[str, ...] = get_args(TurnType)

# What a search can conclude: its part of a turn's status.
SearchConclusion = Literal["answered", "clarified", "not_found"]
TurnStatus = Literal[
    SearchConclusion,
    "no_verified_content",
    "out_of_scope",
    "rejected",
    "unavailable",
    "handed_over",
    "warning",
    "smalltalk",
    "form",
    "feedback_saved",
]
TURN_STATUSES: tuple[str, ...] = get_args(TurnStatus)

TYPE_OF_STATUS: dict[TurnStatus, TurnType] = {
    "answered": "answer",
    "no_verified_content": "answer",
    "clarified": "clarify",
    "not_found": "fallback",
    "out_of_scope": "fallback",
    "rejected": "fallback",
    "unavailable": "fallback",
    "handed_over": "handoff",
    "warning": "warning",
    "smalltalk": "smalltalk",
    "form": "form",
    "feedback_saved": "smalltalk",
}
# Turns that show a knowledge document of some topic (a form reads a change of subject from them).
FROM_A_DOCUMENT: tuple[TurnStatus, ...] = tuple(
    s for s, kind in TYPE_OF_STATUS.items() if kind == "answer"
)
# Turns that gave the citizen nothing of what they asked: two in a row offer a person.
FELL_BACK: tuple[TurnStatus, ...] = tuple(
    s for s, kind in TYPE_OF_STATUS.items() if kind == "fallback"
)

# The Rasa slot every custom action sets to its turn's status (bot/domain.yml).
TURN_STATUS_SLOT = "turn_status"

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
    status: TurnStatus,
    *,
    topic: str | None = None,
    sources: list[dict[str, Any]] | None = None,
    confidence: float | None = None,
) -> dict[str, Any]:
    """The payload of one turn; the channels add it after the turn's text. An unknown status
    raises KeyError: a turn never goes out with a status nobody counts."""
    return {
        "status": status,
        "type": TYPE_OF_STATUS[status],
        "topic": topic,
        "sources": sources or [],
        "confidence": None if confidence is None else round(confidence, 4),
    }


def status_of(custom: object) -> TurnStatus | None:
    """The status a bot message's custom payload reports, or None when it is no turn of the
    contract (a staff message, a payload without a known status)."""
    status = custom.get("status") if isinstance(custom, dict) else None
    return status if status in TYPE_OF_STATUS else None


# The records contract between the bot's two processes (chat server, action server) and the
# knowledge service, declared once for both sides: the secret's header, what a conversation id
# may be, and the length caps of what citizens and staff write.
RECORDS_TOKEN_HEADER = "X-Records-Token"
CONVERSATION_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$"
CONVERSATION_ID_MAX_CHARS = 128
MAX_MESSAGE_CHARS = 1000  # a citizen's message, hence a question searched or recorded
MAX_STAFF_MESSAGE_CHARS = 2000

# The records contract's key in a message's metadata for the keyed hash of the citizen's address
# (set by the chat channels, read by the handoff action, counted by the desk), and its form.
CLIENT_KEY_METADATA = "client_key"
CLIENT_KEY_PATTERN = r"^[0-9a-fA-F]{16,64}$"

# The records endpoints (knowledge/api/routes/internal/records.py) and their request bodies, as
# both clients build them (actions/knowledge_client.py, bot/records_link.py) and the service's
# pydantic schemas check them with their limits (tests/unit/test_contract.py keeps the two equal).
FEEDBACK_PATH = "/feedback"
HANDOFFS_PATH = "/handoffs"
UNANSWERED_PATH = "/unanswered"
TURNS_PATH = "/turns"
LIVE_MESSAGES_PATH = "/live/messages"
LIVE_PRESENCE_PATH = "/live/presence"
LIVE_DELIVERED_PATH = "/live/delivered"
LIVE_RATING_PATH = "/live/rating"


class FeedbackBody(TypedDict):
    """A citizen's 👍/👎 on an answer."""

    conversation_id: str
    document_id: str | None
    helpful: bool
    question: str | None


class TranscriptLine(TypedDict):
    speaker: Literal["citizen", "bot"]
    text: str


HandoffReason = Literal["requested", "repeated_fallback"]
UnansweredReason = Literal["fallback", "thumbs_down"]


class HandoffBody(TypedDict):
    """A citizen asked for a person (or the bot fell back twice)."""

    conversation_id: str
    reason: HandoffReason
    transcript: list[TranscriptLine]
    last_document_id: str | None
    channel: str | None
    client_key: str | None


class UnansweredBody(TypedDict):
    """A question that ended in a fallback or a 👎, for the staff's queue."""

    conversation_id: str
    question: str
    reason: UnansweredReason
    document_id: str | None


class TurnBody(TypedDict):
    """One bot turn's status, as the chat server's event broker saw it (`at`: ISO 8601 with offset)."""

    conversation_id: str
    status: TurnStatus
    document_id: str | None
    at: str


class TurnBatchBody(TypedDict):
    turns: list[TurnBody]


class LiveMessageBody(TypedDict):
    """A citizen's message while a person holds the conversation."""

    conversation_id: str
    text: str


class PresenceBody(TypedDict):
    """The citizen's widget connected (true) or left (false) during a handoff."""

    conversation_id: str
    present: bool


class DeliveredBody(TypedDict):
    """Staff messages a returning widget acknowledged."""

    conversation_id: str
    ids: list[int]


class RatingBody(TypedDict):
    """The citizen's answer to "was the help useful?" after staff ended the conversation."""

    conversation_id: str
    helpful: bool


# A message from a staff member in a handed-over conversation: not a bot turn (no turn
# status), drawn by the widget as "Cán bộ hỗ trợ · <display name>".
STAFF_MESSAGE = "staff"


def staff_payload(staff_name: str | None) -> dict[str, Any]:
    return {
        "type": STAFF_MESSAGE,
        "topic": None,
        "sources": [],
        "confidence": None,
        "person": True,
        "staff_name": staff_name,
    }
