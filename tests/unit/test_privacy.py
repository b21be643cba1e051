import unicodedata

import pytest

from shared.privacy import (
    ID_NUMBER_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    SECRET_PLACEHOLDER,
    mask_sensitive,
    mask_value,
)


@pytest.mark.parametrize(
    ("text", "masked", "kinds"),
    [
        ("mã otp của tôi là 482913", f"mã otp của tôi là {SECRET_PLACEHOLDER}", {"secret"}),
        ("otp 123456 không dùng được", f"otp {SECRET_PLACEHOLDER} không dùng được", {"secret"}),
        ("Mật khẩu: Abc@1234", f"Mật khẩu: {SECRET_PLACEHOLDER}", {"secret"}),
        ("passcode của em 654321 ạ", f"passcode của em {SECRET_PLACEHOLDER} ạ", {"secret"}),
        ("  482913 ", f"  {SECRET_PLACEHOLDER} ", {"secret"}),
        ("so dinh danh 001095001234", f"so dinh danh {ID_NUMBER_PLACEHOLDER}", {"id_number"}),
        ("cccd 0010 9500 1234 ạ", f"cccd {ID_NUMBER_PLACEHOLDER} ạ", {"id_number"}),
        ("sdt 0912345678 nhan otp", f"sdt {PHONE_PLACEHOLDER} nhan otp", {"phone"}),
        ("gọi +84 912 345 678", f"gọi {PHONE_PLACEHOLDER}", {"phone"}),
    ],
)
def test_secrets_and_numbers_are_masked(text: str, masked: str, kinds: set[str]) -> None:
    result = mask_sensitive(text)
    assert result.text == masked
    assert result.kinds == kinds


@pytest.mark.parametrize(
    "text",
    [
        "quên mật khẩu vneid",
        "otp không về",
        "mức 2 cần mang gì",
        "mật khẩu cần 8 ký tự",
        "năm 2024",
        "passcode gồm 6 số",
    ],
)
def test_ordinary_questions_are_left_alone(text: str) -> None:
    result = mask_sensitive(text)
    assert result.text == text and not result.kinds


def test_every_corpus_shape_is_masked_in_text_and_metadata() -> None:
    """The shapes the attack found (decomposed Unicode, spacing, glued prefixes, +84,
    landlines, spelled-out codes, passwords without digits), generated with variants."""
    from tests.e2e.pii_corpus import corpus

    leaks = corpus()
    assert len(leaks) >= 200
    clear = []
    for leak in leaks:
        text = mask_sensitive(leak.message).text
        metadata, _ = mask_value(leak.metadata)
        clear += [(leak.message, s) for s in leak.secrets if s in text + repr(metadata)]
    assert clear == []


def test_decomposed_unicode_is_masked_where_the_secret_is() -> None:
    nfd = unicodedata.normalize("NFD", "số định danh cá nhân là 001203004585")
    result = mask_sensitive(nfd)
    assert result.text == f"số định danh cá nhân là {ID_NUMBER_PLACEHOLDER}" and result.kinds == {
        "id_number"
    }


@pytest.mark.parametrize(
    "text",
    [
        "mật khẩu là gì",
        "mat khau la gi",
        "lệ phí 200.000 đồng",
        "gọi 1900 0368",
        "nghị định 118/2025/NĐ-CP",
        "mã thủ tục 1.004873",
        "mật khẩu cần 8 ký tự là đủ",
    ],
)
def test_numbers_and_words_of_ordinary_questions_stay(text: str) -> None:
    assert mask_sensitive(text).text == text
