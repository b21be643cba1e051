"""Who a message is from, as the chat server lets it be known: issued session ids, the ids
stores keep, and a keyed token of the client's address.

A widget's session id is the only key to its live conversation (with session persistence a
socket joins the conversation's room with it, and the REST channel takes it as the sender).
So the server issues it: random letters followed by a keyed tag of them, letters only so that
no masking rule ever takes part of one for a phone or an ID number. A socket that asks for
any other id (made up, guessed, too short, not a string) gets a fresh one.

The key is derived from the records secret the stack gives every Rasa replica, so ids stay
valid across replicas and restarts; without it (a test without the stack) each process draws
its own.
"""

import hashlib
import hmac
import os
import secrets
from typing import Any

from shared.privacy import as_letters, private_conversation_id

_RANDOM_LETTERS = 24
_TAG_LETTERS = 24
# Keys drawn by this process when the stack gave it no records secret (tests without the stack).
_PROCESS_KEYS: dict[bytes, bytes] = {}


def _derived_key(purpose: bytes) -> bytes:
    shared = os.environ.get("BOT_RECORDS_TOKEN", "")
    if not shared:
        return _PROCESS_KEYS.setdefault(purpose, secrets.token_bytes(32))
    return hmac.new(shared.encode("utf-8"), b"tro-ly:" + purpose, hashlib.sha256).digest()


def _tag(random_part: str) -> str:
    digest = hmac.new(
        _derived_key(b"session-id"), random_part.encode("ascii"), hashlib.sha256
    ).digest()
    return as_letters(digest, _TAG_LETTERS)


def issue() -> str:
    random_part = as_letters(secrets.token_bytes(_RANDOM_LETTERS), _RANDOM_LETTERS)
    return random_part + _tag(random_part)


def was_issued(session_id: Any) -> bool:
    """Whether this server (or a replica sharing its key) issued the id."""
    if not isinstance(session_id, str) or len(session_id) != _RANDOM_LETTERS + _TAG_LETTERS:
        return False
    random_part, tag = session_id[:_RANDOM_LETTERS], session_id[_RANDOM_LETTERS:]
    return (
        session_id.isascii()
        and random_part.isalpha()
        and hmac.compare_digest(tag, _tag(random_part))
    )


def stored_conversation_id(sender_id: str) -> str:
    """The id every store keeps for a conversation: the sender as given, unless it is itself
    personal data (REST senders are chosen by the client), then a keyed hash of it."""
    return private_conversation_id(sender_id, _derived_key(b"conversation-id"))


def address_key(address: str) -> str:
    """A keyed token of the citizen's network address (32 hex characters): enough to count
    one address's open handoffs, never the address itself."""
    return hmac.new(
        _derived_key(b"client-address"), address.encode("utf-8"), hashlib.sha256
    ).hexdigest()[:32]
