"""Mask each incoming message, text and metadata, before Rasa parses, stores or logs it."""

from rasa.core.channels.channel import UserMessage

from shared.privacy import mask_sensitive, mask_value


def mask_user_message(message: UserMessage) -> UserMessage:
    """Replace secrets, ID and phone numbers in place; record which kinds were masked.

    The tracker store, the logs and the NLU pipeline only ever see the masked text (NFC),
    and the metadata a client sends along is masked the same way.
    """
    masked = mask_sensitive(message.text or "")
    metadata, metadata_kinds = mask_value(
        message.metadata if isinstance(message.metadata, dict) else {}
    )
    message.text = masked.text if message.text is not None else None
    kinds = masked.kinds | metadata_kinds
    message.metadata = {**metadata, "masked": sorted(kinds)} if kinds else metadata
    return message
