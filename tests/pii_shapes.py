"""Property-based shapes of personal data, from the families the third attack used: ID numbers
and phone numbers whatever separates their digits (format characters, punctuation, brackets,
percent-encoding, full-width or spelled digits, the letter O for zero), one-time codes spaced
or spelled, passwords after any keyword with or without a copula, and metadata that hides
them in keys, numbers or deep nesting.

`shapes()` is a hypothesis strategy; `collected(n)` draws n of them deterministically (seeded,
derandomized) for the end-to-end test, which sends each through the running stack.
"""

import json
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

SEED = 20261207
# Spelled digits as Vietnamese write them, several for some digits.
SPELLED = {
    "0": ["không", "linh", "lẻ"],
    "1": ["một", "mốt"],
    "2": ["hai"],
    "3": ["ba"],
    "4": ["bốn", "tư"],
    "5": ["năm", "lăm"],
    "6": ["sáu"],
    "7": ["bảy"],
    "8": ["tám"],
    "9": ["chín"],
}
SEPARATORS = [
    "",
    " ",
    "  ",
    "    ",
    ".",
    "-",
    "_",
    ",",
    "–",
    "·",
    "/",
    " - ",
    "\u200b",
    "\u2060",
    "\u00ad",
    "%20",
    ") ",
]
GROUPINGS = {
    12: [[3, 3, 3, 3], [4, 4, 4], [3, 3, 6], [12], [2, 10], [6, 6]],
    9: [[3, 3, 3], [9], [4, 5]],
    10: [[4, 3, 3], [3, 3, 4], [10], [2, 4, 4]],
}
ID_TEMPLATES = [
    "số định danh cá nhân là {}",
    "cccd {} ạ",
    "CCCD{}",
    "căn cước của tôi {} bị lỗi",
    "so dinh danh {}",
    "số cmnd cũ {} còn dùng được không",
    "cho hỏi hồ sơ của {} đến đâu rồi",
    "{}",
]
PHONE_TEMPLATES = [
    "sđt của tôi là {}, gọi lại giúp",
    "số đt {} không nhận được otp",
    "gọi cho mình qua {} nhé",
    "zalo {}",
    "{}",
]
OTP_TEMPLATES = [
    "mã otp của tôi là {}",
    "otp {} không dùng được",
    "mã xác thực {}",
    "mã otp là {}",
    "ma xac nhan {} nhap sai",
    "code {} het han roi",
]
PASSWORD_KEYWORDS = [
    "mật khẩu",
    "mat khau",
    "mk",
    "pass",
    "password",
    "pwd",
    "passwd",
    "mật khẩu vneid",
    "mat khau dang nhap",
]
COPULAS = [" là ", ": ", ":", "=", " = ", " is ", " "]


@dataclass(frozen=True)
class Shape:
    """A message (and metadata) with the strings that must never be stored or logged in clear."""

    message: str
    secrets: tuple[str, ...]
    metadata: dict[str, Any] = field(default_factory=dict)
    family: str = ""


def _digits(draw: Any, length: int, first: str) -> str:
    rest = draw(
        st.text(alphabet="0123456789", min_size=length - len(first), max_size=length - len(first))
    )
    return first + rest


def _typed(draw: Any, number: str) -> str:
    """The number as a citizen (or an attacker) might type it."""
    sizes = draw(st.sampled_from(GROUPINGS.get(len(number), [[len(number)]])))
    separator = draw(st.sampled_from(SEPARATORS))
    parts, at = [], 0
    for size in sizes:
        parts.append(number[at : at + size])
        at += size
    if separator == ") ":
        typed = f"({parts[0]}) " + " ".join(parts[1:])
    else:
        typed = separator.join(parts)
    form = draw(
        st.sampled_from(
            ["ascii", "ascii", "ascii", "fullwidth", "spelled_tail", "spelled", "letter_o"]
        )
    )
    if form == "fullwidth":
        typed = "".join(chr(ord(c) - ord("0") + 0xFF10) if c.isdigit() else c for c in typed)
    elif form == "spelled_tail":  # "07912345 bảy một bảy"
        cut = len(number) - draw(st.integers(2, 4))
        typed = (
            number[:cut] + " " + " ".join(draw(st.sampled_from(SPELLED[d])) for d in number[cut:])
        )
    elif form == "spelled":
        typed = " ".join(draw(st.sampled_from(SPELLED[d])) for d in number)
    elif form == "letter_o" and number.startswith("0"):
        typed = "O" + typed[1:]
    return typed


@st.composite
def id_numbers(draw: Any) -> Shape:
    length = draw(st.sampled_from([12, 12, 9]))
    number = _digits(draw, length, draw(st.sampled_from(["0", "1", "03", "07"])))
    typed = _typed(draw, number)
    return Shape(
        draw(st.sampled_from(ID_TEMPLATES)).format(typed), (number, typed), family="id_number"
    )


@st.composite
def phones(draw: Any) -> Shape:
    local = _digits(draw, 9, draw(st.sampled_from(["3", "5", "7", "8", "9"])))
    prefix = draw(st.sampled_from(["0", "0", "84", "+84", "0084", "(+84) ", "+84 "]))
    typed = prefix + _typed(draw, "0" + local)[1:] if prefix == "0" else prefix + local
    if prefix == "0" and draw(st.booleans()):
        typed = _typed(draw, "0" + local)
    return Shape(
        draw(st.sampled_from(PHONE_TEMPLATES)).format(typed), (local, typed), family="phone"
    )


@st.composite
def otps(draw: Any) -> Shape:
    code = _digits(draw, 6, draw(st.sampled_from("123456789")))
    form = draw(st.sampled_from(["plain", "spaced", "zero_width", "spelled"]))
    typed = {
        "plain": code,
        "spaced": f"{code[:3]} {code[3:]}",
        "zero_width": f"{code[:3]}\u200b{code[3:]}",
        "spelled": " ".join(draw(st.sampled_from(SPELLED[d])) for d in code),
    }[form]
    secrets = (typed,) if form == "spelled" else (code, typed)
    return Shape(draw(st.sampled_from(OTP_TEMPLATES)).format(typed), secrets, family="otp")


@st.composite
def passwords(draw: Any) -> Shape:
    word = draw(
        st.text(alphabet="abcdefghkmnpqrstuvxyzABCDEFGHKMNPQRSTUVXYZ", min_size=3, max_size=8)
    )
    secret = (
        word
        + draw(st.sampled_from(["@", "#", "!", ""]))
        + _digits(draw, draw(st.integers(2, 5)), "2")
    )
    keyword, copula = draw(st.sampled_from(PASSWORD_KEYWORDS)), draw(st.sampled_from(COPULAS))
    template = draw(
        st.sampled_from(
            ["{k}{c}{s}", "{k} mới{c}{s}", "quên rồi, {k}{c}{s} đúng không", "{k}{c}{s} ạ"]
        )
    )
    return Shape(template.format(k=keyword, c=copula, s=secret), (secret,), family="password")


def _nested(value: Any, depth: int) -> Any:
    for level in range(depth):
        value = {f"l{level}": value}
    return value


@st.composite
def in_metadata(draw: Any) -> Shape:
    """Personal data where an integration hides it: a key, a JSON number, deep nesting, JSON text."""
    number = _digits(draw, 12, draw(st.sampled_from(["0", "1"])))
    phone = "09" + _digits(draw, 8, "1")
    where = draw(st.sampled_from(["key", "number", "deep", "json_text", "list"]))
    metadata = {
        "key": {number: "cccd"},
        "number": {"cccd": int(number)},
        "deep": _nested({"so": number}, draw(st.integers(9, 14))),
        "json_text": {"payload": json.dumps({"cccd": number, "sdt": phone})},
        "list": {"items": [[["x", phone]], number]},
    }[where]
    return Shape(
        "tôi cần hỗ trợ đăng nhập",
        (number, phone) if where in ("json_text", "list") else (number,),
        metadata,
        family=f"metadata_{where}",
    )


def shapes() -> st.SearchStrategy[Shape]:
    base = st.one_of(id_numbers(), phones(), otps(), passwords())
    decomposed = base.map(
        lambda s: Shape(
            unicodedata.normalize("NFD", s.message), s.secrets, s.metadata, s.family + "_nfd"
        )
    )
    as_note = base.map(
        lambda s: Shape("cho tôi hỏi", s.secrets, {"note": s.message}, s.family + "_note")
    )
    return st.one_of(base, base, decomposed, as_note, in_metadata())


def collected(count: int) -> list[Shape]:
    """`count` shapes drawn deterministically: the same list on every machine and run."""
    drawn: list[Shape] = []

    @seed(SEED)
    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(shapes())
    def draw(shape: Shape) -> None:
        drawn.append(shape)

    draw()
    return drawn[:count]
