"""Mask personal data and secrets in citizens' messages before anything stores or logs them.

Standard library only: Rasa's input channels (Python 3.10) call it on every message, and
the knowledge layer uses it on collected questions.
"""

import re
from dataclasses import dataclass, field

from knowledge.text import fold_diacritics

SECRET_PLACEHOLDER = "[đã ẩn: mã bí mật]"
ID_NUMBER_PLACEHOLDER = "[đã ẩn: số định danh]"
PHONE_PLACEHOLDER = "[đã ẩn: số điện thoại]"

# A 12-digit personal ID number, possibly written in groups ("0010 9500 1234").
_ID_NUMBER = re.compile(r"(?<![\d\w])\d(?:[ .-]?\d){11}(?![\d\w])")
# Vietnamese mobile numbers: 0xxxxxxxxx or +84xxxxxxxxx.
_PHONE = re.compile(r"(?<![\d\w+])(?:\+84|0)(?:[ .-]?\d){9}(?![\d\w])")
# A secret right after the word that names it: "otp 123456", "mật khẩu là Abc@1234",
# "passcode của tôi: 654321". Matched on folded lower-case text (same offsets).
_SECRET = re.compile(
    r"\b(?:otp|ma xac thuc|ma xac nhan|passcode|mat khau|mk|pass|password|ma pin|pin)\b"
    r"(?:\s+(?:cua\s+)?(?:toi|em|minh|tao|anh|chi)\b)?"
    r"(?:\s*(?:la|:|=|-)\s*|\s+)"
    r"(?P<secret>(?=\S*\d)\S{4,})"
)

# A message that is only a short code is almost always an OTP or passcode being pasted.
_BARE_CODE = re.compile(r"\s*(\d{4,8})\s*")


@dataclass(frozen=True)
class MaskedText:
    text: str
    kinds: frozenset[str] = field(default_factory=frozenset)  # "secret", "id_number", "phone"

    @property
    def has_secret_or_id(self) -> bool:
        return bool(self.kinds & {"secret", "id_number"})


def _replace_spans(text: str, spans: list[tuple[int, int, str]]) -> str:
    for start, end, placeholder in sorted(spans, reverse=True):
        text = text[:start] + placeholder + text[end:]
    return text


def mask_sensitive(text: str) -> MaskedText:
    """Replace secrets, 12-digit ID numbers and phone numbers with placeholders."""
    folded = fold_diacritics(text).lower()
    spans: list[tuple[int, int, str]] = []
    kinds: set[str] = set()
    taken: list[range] = []

    def add(start: int, end: int, placeholder: str, kind: str) -> None:
        if any(start < r.stop and end > r.start for r in taken):
            return
        taken.append(range(start, end))
        spans.append((start, end, placeholder))
        kinds.add(kind)

    bare_code = _BARE_CODE.fullmatch(folded)
    if bare_code:
        add(bare_code.start(1), bare_code.end(1), SECRET_PLACEHOLDER, "secret")
    for match in _SECRET.finditer(folded):
        add(match.start("secret"), match.end("secret"), SECRET_PLACEHOLDER, "secret")
    for match in _ID_NUMBER.finditer(folded):
        add(match.start(), match.end(), ID_NUMBER_PLACEHOLDER, "id_number")
    for match in _PHONE.finditer(folded):
        add(match.start(), match.end(), PHONE_PLACEHOLDER, "phone")
    return MaskedText(_replace_spans(text, spans), frozenset(kinds))
