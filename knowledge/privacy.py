"""Mask personal data and secrets in citizens' messages before anything stores or logs them.

Standard library only: Rasa's input channels (Python 3.10) call it on every message (text and
metadata), and the knowledge layer again on every record it stores.

The text is normalised to NFC first and then searched and replaced in that same string: a
folded, lower-cased copy with exactly one character per character gives the offsets, so a
message typed in decomposed Unicode (base letter + combining mark, as some phone keyboards
send) is masked like any other.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from knowledge.text import fold_diacritics

SECRET_PLACEHOLDER = "[đã ẩn: mã bí mật]"
ID_NUMBER_PLACEHOLDER = "[đã ẩn: số định danh]"
PHONE_PLACEHOLDER = "[đã ẩn: số điện thoại]"

_SEP = r"[\s./-]{0,3}"
# A 12-digit personal ID number, in groups or glued to a word ("CCCD001203004573").
_ID_NUMBER = re.compile(rf"(?<!\d)\d(?:{_SEP}\d){{11}}(?!\d)")
# Phone numbers: 0…, 84…, +84…, (+84) …; mobiles (10 digits) and landlines (11 digits).
_PHONE = re.compile(r"(?<![\d+])(?:\(?\+?84\)?[\s.-]{0,2}|0)\d(?:[\s.-]{0,2}\d){8,9}(?!\d)")
_SECRET_WORD = (r"(?:ma\s+)?otp|ma\s+xac\s+(?:thuc|nhan)|passcode|pass\s*code|mat\s+khau|mat\s+ma|mk|pass(?:word)?"
                r"|ma\s+pin|pin|code")
# "<word> [up to five words] là|:|=|is <secret>": the copula says the next token is the secret.
_DECLARED_SECRET = re.compile(
    rf"\b(?:{_SECRET_WORD})\b(?:\s+[\w@.]{{1,12}}){{0,5}}?\s*(?:\bla\b|\bis\b|:|=)\s*(?P<secret>[^\s,;]{{3,64}})"
)
# "<word> <secret with a digit>": "otp 123456", "mã xác thực 482 917", "mật khẩu Abc@1234".
_NAMED_SECRET = re.compile(
    rf"\b(?:{_SECRET_WORD})\b(?:\s+(?:cua\s+)?(?:toi|em|minh|tao|anh|chi|moi|cu)\b)*\s*[:=-]?\s*"
    r"(?P<secret>\d(?:[\s.-]?\d){3,7}(?!\d)|(?=\S*\d)\S{4,64})"
)
# A six-digit number on its own is an OTP being pasted or read out ("tôi nhận được 482919").
_SIX_DIGITS = re.compile(r"(?<![\d.,=/_-])\d{6}(?![\d.,/_-]?\d)")
# A message that is only a short code is almost always an OTP or passcode being pasted.
_BARE_CODE = re.compile(r"\s*(\d{4,8})\s*")
# Digits spelled out, four or more in a row ("bốn tám hai chín một bảy").
_DIGIT_WORDS = r"(?:khong|mot|hai|ba|bon|nam|sau|bay|tam|chin|linh|zero|one|two|three|four|five|six|seven|eight|nine)"
_SPELLED_CODE = re.compile(rf"\b{_DIGIT_WORDS}(?:[\s,.-]+{_DIGIT_WORDS}){{3,}}\b")
_SPECIAL = set("@#$%^&*!?_+=~<>{}[]|\\/")


@dataclass(frozen=True)
class MaskedText:
    text: str
    kinds: frozenset[str] = field(default_factory=frozenset)  # "secret", "id_number", "phone"

    @property
    def has_secret_or_id(self) -> bool:
        return bool(self.kinds & {"secret", "id_number"})


def _matching_form(text: str) -> str:
    """Folded and lower-cased with one character per character of the NFC text."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in fold_diacritics(text))


def _looks_secret(token: str) -> bool:
    """After "là"/":"/"is": a digit, a symbol, inner capitals, or a long unaccented word
    (a password), but not an ordinary reply word ("mật khẩu là gì", "… là sao")."""
    if any(c.isdigit() for c in token) or any(c in _SPECIAL for c in token):
        return True
    letters = token.strip(".")
    if any(c.isupper() for c in letters[1:]):
        return True
    return letters.isascii() and letters.isalpha() and len(letters) >= 8


def _secret_spans(original: str, folded: str) -> Iterator[tuple[int, int]]:
    bare = _BARE_CODE.fullmatch(folded)
    if bare:
        yield bare.start(1), bare.end(1)
    for match in _DECLARED_SECRET.finditer(folded):
        start, end = match.span("secret")
        if _looks_secret(original[start:end]):
            yield start, end
    for match in _NAMED_SECRET.finditer(folded):
        yield match.span("secret")
    for pattern in (_SPELLED_CODE, _SIX_DIGITS):
        for match in pattern.finditer(folded):
            yield match.span()


def mask_sensitive(text: str) -> MaskedText:
    """Replace secrets, 12-digit ID numbers and phone numbers with placeholders (NFC text)."""
    text = unicodedata.normalize("NFC", text)
    folded = _matching_form(text)
    spans: list[tuple[int, int, str]] = []
    kinds: set[str] = set()

    def add(start: int, end: int, placeholder: str, kind: str) -> None:
        if end <= start or any(start < e and end > s for s, e, _ in spans):
            return
        spans.append((start, end, placeholder))
        kinds.add(kind)

    for match in _ID_NUMBER.finditer(folded):
        add(*match.span(), ID_NUMBER_PLACEHOLDER, "id_number")
    for start, end in _secret_spans(text, folded):
        add(start, end, SECRET_PLACEHOLDER, "secret")
    for match in _PHONE.finditer(folded):
        add(*match.span(), PHONE_PLACEHOLDER, "phone")
    for start, end, placeholder in sorted(spans, reverse=True):
        text = text[:start] + placeholder + text[end:]
    return MaskedText(text, frozenset(kinds))


def mask_value(value: Any, depth: int = 0) -> tuple[Any, frozenset[str]]:
    """Every string inside a JSON-like value (a message's metadata), masked."""
    if isinstance(value, str):
        masked = mask_sensitive(value)
        return masked.text, masked.kinds
    if depth > 8 or not isinstance(value, (dict, list)):
        return value, frozenset()
    found: set[str] = set()
    if isinstance(value, dict):
        result: dict[Any, Any] = {}
        for key, item in value.items():
            result[key], kinds = mask_value(item, depth + 1)
            found |= kinds
        return result, frozenset(found)
    items = []
    for item in value:
        masked_item, kinds = mask_value(item, depth + 1)
        items.append(masked_item)
        found |= kinds
    return items, frozenset(found)
