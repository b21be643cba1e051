"""Mask each incoming message before Rasa parses, stores or logs it."""

from rasa.core.channels.channel import UserMessage

from knowledge.privacy import mask_sensitive


def mask_user_message(message: UserMessage) -> UserMessage:
    """Replace secrets, ID and phone numbers in place; record which kinds were masked.

    The tracker store, the logs and the NLU pipeline only ever see the masked text.
    """
    masked = mask_sensitive(message.text or "")
    if masked.kinds:
        message.text = masked.text
        message.metadata = {**(message.metadata or {}), "masked": sorted(masked.kinds)}
    return message
