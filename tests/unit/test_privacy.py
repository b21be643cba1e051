import pytest

from knowledge.privacy import ID_NUMBER_PLACEHOLDER, PHONE_PLACEHOLDER, SECRET_PLACEHOLDER, mask_sensitive


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
    ["quên mật khẩu vneid", "otp không về", "mức 2 cần mang gì", "mật khẩu cần 8 ký tự", "năm 2024", "passcode gồm 6 số"],
)
def test_ordinary_questions_are_left_alone(text: str) -> None:
    result = mask_sensitive(text)
    assert result.text == text and not result.kinds
