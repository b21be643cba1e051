"""Mask personal data and secrets before anything stores or logs them: citizens' messages
and metadata, staff replies and names, conversation ids, records, exports and logs.

Standard library only: Rasa's input channels (Python 3.10) call it on every message (text and
metadata), and the knowledge layer again on every record it stores.

Detection runs on a normalised copy of the text (shared/normalised_view.py: format
characters removed, digits of any script and spelled digits read, percent-encoding decoded)
and each finding is replaced in the NFC original, over the span it came from, so the
citizen's other words stay as typed. Numbers are found whatever separates their digits
(shared/number_spans.py); secrets by the words that announce them.
"""

import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from shared.normalised_view import NormalisedView, normalised_view, with_spelled_digits
from shared.number_spans import ID_NUMBER, PHONE, SECRET, number_spans

SECRET_PLACEHOLDER = "[đã ẩn: mã bí mật]"
ID_NUMBER_PLACEHOLDER = "[đã ẩn: số định danh]"
PHONE_PLACEHOLDER = "[đã ẩn: số điện thoại]"
# A value nested deeper than this in metadata is dropped whole, not walked.
MAX_DEPTH = 8
DROPPED_PLACEHOLDER = "[đã lược bỏ]"
_PLACEHOLDERS = {
    SECRET: SECRET_PLACEHOLDER,
    ID_NUMBER: ID_NUMBER_PLACEHOLDER,
    PHONE: PHONE_PLACEHOLDER,
}

_PASSWORD_WORD = r"mat\s*khau|mat\s+ma|mk|pass(?:word)?|passwd|pwd|pw"
_SECRET_WORD = (
    rf"(?:ma\s+)?otp|ma\s+xac\s+(?:thuc|nhan)|passcode|pass\s*code|{_PASSWORD_WORD}"
    r"|ma\s+pin|pin|code"
)
# "<word> [up to five words] là|:|=|is <secret>": the copula says the next token is the secret.
_DECLARED_SECRET = re.compile(
    rf"\b(?:{_SECRET_WORD})\b(?:\s+[\w@.]{{1,12}}){{0,5}}?\s*(?:\bla\b|\bis\b|:|=)\s*(?P<secret>[^\s,;]{{3,64}})"
)
# "<word> <secret with a digit>": "otp 123456", "mã xác thực 482917", "mật khẩu Abc@1234".
_NAMED_SECRET = re.compile(
    rf"\b(?:{_SECRET_WORD})\b(?:\s+(?:cua\s+)?(?:toi|em|minh|tao|anh|chi|moi|cu)\b)*\s*[:=-]?\s*"
    r"(?P<secret>\d(?:[\s.-]?\d){3,7}(?!\d)|(?=\S*\d)\S{4,64})"
)
# "mật khẩu vneid Hoa@2026q": a password a few words after its keyword, with no copula; it
# must look like one (a letter and a digit or a symbol).
_PASSWORD_LATER = re.compile(
    rf"\b(?:{_PASSWORD_WORD})\b(?:\s+[^\W\d_]{{1,12}}){{1,3}}?\s*[:=-]?\s*(?P<secret>(?=\S*[^\W\d_])(?=\S*[\d@#$%^&*!?])\S{{6,64}})"
)
# A six-digit number on its own is an OTP being pasted or read out ("tôi nhận được 482919").
_SIX_DIGITS = re.compile(r"(?<![\d.,=/_-])\d{6}(?![\d.,/_-]?\d)")
# A message that is only a short code is almost always an OTP or passcode being pasted.
_BARE_CODE = re.compile(r"\s*(\d{4,8})\s*")
_SPECIAL = set("@#$%^&*!?_+=~<>{}[]|\\/")


@dataclass(frozen=True)
class MaskedText:
    text: str
    kinds: frozenset[str] = field(default_factory=frozenset)  # "secret", "id_number", "phone"

    @property
    def has_secret_or_id(self) -> bool:
        return bool(self.kinds & {"secret", "id_number"})


def _looks_secret(token: str) -> bool:
    """After "là"/":"/"is": a digit, a symbol, inner capitals, or a long unaccented word
    (a password), but not an ordinary reply word ("mật khẩu là gì", "… là sao")."""
    if any(c.isdigit() for c in token) or any(c in _SPECIAL for c in token):
        return True
    letters = token.strip(".")
    if any(c.isupper() for c in letters[1:]):
        return True
    return letters.isascii() and letters.isalpha() and len(letters) >= 8


def _secret_spans(original: str, view: NormalisedView) -> Iterator[tuple[int, int]]:
    """Spans of the view's text that hold a secret."""
    bare = _BARE_CODE.fullmatch(view.text)
    if bare:
        yield bare.span(1)
    for pattern in (_DECLARED_SECRET, _PASSWORD_LATER):
        for match in pattern.finditer(view.text):
            start, end = match.span("secret")
            begin, finish = view.original_span(start, end)
            if _looks_secret(original[begin:finish]):
                yield start, end
    for match in _NAMED_SECRET.finditer(view.text):
        yield match.span("secret")
    for match in _SIX_DIGITS.finditer(view.text):
        yield match.span()


def mask_sensitive(text: str) -> MaskedText:
    """Replace secrets, ID numbers and phone numbers with placeholders (NFC text)."""
    text = unicodedata.normalize("NFC", text)
    words = normalised_view(text)
    numbers = with_spelled_digits(words)
    found = [(*numbers.original_span(n.start, n.end), n.kind) for n in number_spans(numbers)]
    found += [(*words.original_span(s, e), SECRET) for s, e in _secret_spans(text, words) if e > s]
    merged: list[tuple[int, int, str]] = []  # spans of the original; overlapping findings joined
    for start, end, kind in sorted(found):
        while start > 0 and text[start - 1] in "(+" and kind != SECRET:  # "(+84) …" whole
            start -= 1
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), merged[-1][2])
        else:
            merged.append((start, end, kind))
    for start, end, kind in reversed(merged):
        text = text[:start] + _PLACEHOLDERS[kind] + text[end:]
    return MaskedText(text, frozenset(kind for _, _, kind in merged))


def _masked_scalar(value: Any) -> tuple[Any, frozenset[str]]:
    """A string, or a number that reads as personal data (a JSON number 179123456744)."""
    if isinstance(value, bool) or value is None:
        return value, frozenset()
    if isinstance(value, (int, float)):
        masked = mask_sensitive(str(value))
        return (masked.text, masked.kinds) if masked.kinds else (value, frozenset())
    masked = mask_sensitive(value if isinstance(value, str) else str(value))
    return masked.text, masked.kinds


def mask_value(value: Any, depth: int = 0) -> tuple[Any, frozenset[str]]:
    """A JSON-like value (a message's metadata) with every key, string and number masked, at any
    depth: what is nested deeper than MAX_DEPTH is dropped rather than stored unread."""
    if depth > MAX_DEPTH:
        return DROPPED_PLACEHOLDER, frozenset()
    if isinstance(value, dict):
        result: dict[Any, Any] = {}
        found: set[str] = set()
        for key, item in value.items():
            masked_key, key_kinds = _masked_scalar(key)
            result[masked_key], kinds = mask_value(item, depth + 1)
            found |= key_kinds | kinds
        return result, frozenset(found)
    if isinstance(value, (list, tuple)):
        pairs = [mask_value(item, depth + 1) for item in value]
        return [item for item, _ in pairs], frozenset().union(*(kinds for _, kinds in pairs))
    return _masked_scalar(value)


def masked_json(value: Any) -> str:
    """A JSON text with personal data masked, for stores that keep structured records."""
    return json.dumps(mask_value(value)[0], ensure_ascii=False)


def as_letters(digest: bytes, count: int) -> str:
    """Lower-case letters only: an id made of them can never read as a number."""
    return "".join(chr(ord("a") + b % 26) for b in digest[:count])


# A random token (a UUID, with or without dashes): its runs of digits are chance, not a number.
_RANDOM_TOKEN = re.compile(
    r"[0-9a-f]{32}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}", re.IGNORECASE
)


def private_conversation_id(conversation_id: str, key: bytes) -> str:
    """A conversation id that is itself personal data (a phone number, an ID number, an e-mail)
    is replaced by a keyed hash of it: the same id always gives the same conversation, and
    nothing that stores it stores the number. A UUID is kept as it is: one in three holds nine
    digits in a row by chance."""
    if _RANDOM_TOKEN.fullmatch(conversation_id) and any(c.isalpha() for c in conversation_id):
        return conversation_id
    if "@" not in conversation_id and not mask_sensitive(conversation_id).kinds:
        return conversation_id
    return "h" + as_letters(
        hmac.new(key, conversation_id.encode("utf-8"), hashlib.sha256).digest(), 32
    )
