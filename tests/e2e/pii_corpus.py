"""Messages carrying personal data or secrets, in the shapes citizens (and an attack) used:
each with the strings that must never be stored or logged in clear. Deterministic (seeded)."""

import random
import unicodedata
from dataclasses import dataclass, field

DIGIT_WORDS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


@dataclass(frozen=True)
class Leak:
    message: str
    secrets: tuple[str, ...]  # each must be absent from every store and log
    metadata: dict[str, str] = field(default_factory=dict)


def _digits(rng: random.Random, n: int, first: str = "") -> str:
    return first + "".join(rng.choice("0123456789") for _ in range(n - len(first)))


def _grouped(number: str, sizes: list[int], sep: str) -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(number[at : at + size])
        at += size
    return sep.join(parts)


def id_numbers(rng: random.Random) -> list[Leak]:
    leaks = []
    for sep in ["", " ", "  ", ".", "-", "/", " - "]:
        for template in [
            "số định danh cá nhân là {}",
            "cccd {} ạ",
            "CCCD{}",
            "căn cước của tôi {} bị lỗi",
            "so dinh danh {} dang nhap khong duoc",
        ]:
            number = _digits(rng, 12, "0")
            typed = _grouped(number, [3, 3, 3, 3], sep)
            leaks.append(Leak(template.format(typed), (number, typed)))
    return leaks


def phones(rng: random.Random) -> list[Leak]:
    leaks = []
    for shape in ["0{}", "84{}", "+84{}", "(+84) {}", "+84 {}"]:
        for sep in ["", " ", "-", "."]:
            local = _digits(rng, 9, "9")
            typed = shape.format(_grouped(local, [3, 3, 3], sep))
            leaks.append(Leak(f"sđt của tôi là {typed}, gọi lại giúp", (local, typed)))
    for _ in range(6):
        landline = _digits(rng, 8, "3")
        typed = f"024 {landline[:4]} {landline[4:]}"
        leaks.append(Leak(f"số bàn {typed} nhé", (landline, typed)))
    return leaks


def otps(rng: random.Random) -> list[Leak]:
    leaks = []
    for template in [
        "mã otp của tôi là {}",
        "otp {} không dùng được",
        "mã xác thực {}",
        "tôi nhận được {} qua tin nhắn",
        "passcode của em {} ạ",
        "ma xac nhan {}",
        "{}",
    ]:
        for spaced in (False, True):
            code = _digits(rng, 6, str(rng.randint(1, 9)))
            typed = (
                f"{code[:3]} {code[3:]}"
                if spaced and "nhận được" not in template and template != "{}"
                else code
            )
            leaks.append(Leak(template.format(typed), (code, typed)))
    for _ in range(6):
        code = _digits(rng, 6, str(rng.randint(1, 9)))
        words = " ".join(DIGIT_WORDS[int(d)] for d in code)
        leaks.append(Leak(f"mã otp là {words}", (words,)))
    return leaks


def passwords(rng: random.Random) -> list[Leak]:
    leaks = []
    for template in [
        "mật khẩu mới là {}",
        "mật khẩu đăng nhập của tôi là {}",
        "my password is {}",
        "mật khẩu là {}",
        "mat khau: {}",
        "pass = {}",
        "mk là {}",
    ]:
        for secret in [
            f"Xyz@{_digits(rng, 5)}",
            f"MatKhau{rng.choice(['BiMat', 'CuaToi', 'MoiNhat'])}Qz",
            f"Ab{rng.randint(1, 9)}",
            f"Eng@{_digits(rng, 5)}",
        ]:
            leaks.append(Leak(template.format(secret), (secret,)))
    return leaks


def corpus(seed: int = 20261201) -> list[Leak]:
    """Every shape, then each again typed in decomposed Unicode (NFD) and sent as metadata."""
    rng = random.Random(seed)
    base = id_numbers(rng) + phones(rng) + otps(rng) + passwords(rng)
    decomposed = [
        Leak(unicodedata.normalize("NFD", leak.message), leak.secrets) for leak in base[::2]
    ]
    in_metadata = [
        Leak("tôi cần hỗ trợ đăng nhập", leak.secrets, {"note": leak.message})
        for leak in base[1::2]
    ]
    return base + decomposed + in_metadata
