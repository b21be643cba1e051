"""bot/channels/privacy.py: each incoming message masked, text and metadata, before Rasa sees it."""

import unicodedata

from bot.channels.privacy import mask_user_message
from shared.privacy import ID_NUMBER_PLACEHOLDER, PHONE_PLACEHOLDER, SECRET_PLACEHOLDER
from tests.bot.conftest import user_message


def test_the_text_is_masked_in_place_and_the_kinds_are_recorded_sorted() -> None:
    message = user_message("mật khẩu là Abc@12345, gọi 0912345678, cccd 079123456789")
    assert mask_user_message(message) is message
    for raw in ("Abc@12345", "0912345678", "079123456789"):
        assert raw not in message.text
    for placeholder in (SECRET_PLACEHOLDER, PHONE_PLACEHOLDER, ID_NUMBER_PLACEHOLDER):
        assert placeholder in message.text
    assert message.metadata["masked"] == ["id_number", "phone", "secret"]


def test_an_ordinary_question_is_left_as_typed_without_a_masked_key() -> None:
    message = mask_user_message(
        user_message("quên mật khẩu VNeID thì làm sao?", metadata={"page": "home"})
    )
    assert message.text == "quên mật khẩu VNeID thì làm sao?"
    assert message.metadata == {"page": "home"}


def test_the_text_reaches_rasa_in_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "đăng ký tạm trú")
    message = mask_user_message(user_message(decomposed))
    assert message.text == unicodedata.normalize("NFC", "đăng ký tạm trú") != decomposed


def test_nested_metadata_values_and_keys_are_masked_and_counted() -> None:
    message = mask_user_message(
        user_message(
            "xin chào",
            metadata={"form": {"phone": "0912345678", "notes": ["otp 482917"]}, "0912345678": True},
        )
    )
    text = repr(message.metadata)
    assert "0912345678" not in text and "482917" not in text
    assert message.metadata["form"]["phone"] == PHONE_PLACEHOLDER
    assert message.metadata["masked"] == ["phone", "secret"]


def test_metadata_that_is_not_an_object_becomes_empty() -> None:
    assert mask_user_message(user_message("xin chào", metadata="0912345678")).metadata == {}
    assert mask_user_message(user_message("xin chào", metadata=None)).metadata == {}


def test_a_message_without_text_keeps_none_but_its_metadata_is_still_masked() -> None:
    message = mask_user_message(user_message(None, metadata={"id": "079123456789"}))
    assert message.text is None
    assert message.metadata == {"id": ID_NUMBER_PLACEHOLDER, "masked": ["id_number"]}
