"""Vietnamese text normalization shared by retrieval and the Rasa tokenizer.

Standard library only: the Rasa (Python 3.10) environment imports this module too.
"""

import re
import unicodedata

_WORD_RE = re.compile(r"\w+", re.UNICODE)


def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d" if char == "đ" else "D"
    decomposed = unicodedata.normalize("NFD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base if len(base) == 1 else char


def fold_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics one character for one, so offsets stay valid.

    Citizens often type without diacritics ("dang nhap vneid"); folding both sides makes
    matching insensitive to that. Input is NFC-normalized first so "ệ" is one character.
    """
    return "".join(_fold_char(c) for c in unicodedata.normalize("NFC", text))


def normalize_for_matching(text: str) -> str:
    """Lower-case, NFC, diacritics folded: the form lexical matching compares."""
    return fold_diacritics(text).lower()


def word_tokens(text: str) -> list[str]:
    """Folded lower-case syllables of a text."""
    return _WORD_RE.findall(normalize_for_matching(text))


def lexical_terms(text: str) -> list[str]:
    """Syllables (abbreviations spelled out) plus adjacent-syllable bigrams.

    Vietnamese words are often two syllables ("mật khẩu"); bigrams let BM25 reward the
    word without a word segmenter.
    """
    syllables = word_tokens(expand_abbreviations(text))
    bigrams = [f"{a}_{b}" for a, b in zip(syllables, syllables[1:])]
    return syllables + bigrams


# Phone-typing abbreviations citizens use, keyed by their folded lower-case form.
ABBREVIATIONS: dict[str, str] = {
    "k": "không",
    "ko": "không",
    "khong": "không",
    "hok": "không",
    "kh": "không",
    "kg": "không",
    "dc": "được",
    "dk": "đăng ký",
    "sdt": "số điện thoại",
    "dt": "điện thoại",
    "dtdd": "điện thoại",
    "mk": "mật khẩu",
    "pass": "mật khẩu",
    "password": "mật khẩu",
    "tk": "tài khoản",
    "cccd": "căn cước công dân",
    "cmnd": "chứng minh nhân dân",
    "gplx": "giấy phép lái xe",
    "dvc": "dịch vụ công",
    "dvcqg": "dịch vụ công quốc gia",
    "tthc": "thủ tục hành chính",
    "cks": "chữ ký số",
    "ckso": "chữ ký số",
    "ntn": "như thế nào",
    "j": "gì",
    "ji": "gì",
    "vs": "với",
    "ng": "người",
    "bnhieu": "bao nhiêu",
    "bn": "bao nhiêu",
    "tn": "tin nhắn",
    "app": "ứng dụng",
    "ad": "",
    "a": "",
    "ah": "",
    "ạ": "",
    "hs": "hồ sơ",
    "kq": "kết quả",
    "qg": "quốc gia",
    "xn": "xác nhận",
    "dkkd": "đăng ký kinh doanh",
    "cds": "chuyển đổi số",
    "login": "đăng nhập",
    "bank": "ngân hàng",
    "gp": "giấy phép",
}
_LEVEL_GLUED = re.compile(r"\b(mức|muc|cấp|cap)(\d)\b", re.IGNORECASE)


def expand_abbreviations(text: str) -> str:
    """Spell out common abbreviations ("ko dc" → "không được", "muc2" → "muc 2").

    Applied to questions before both rankers, so slang meets the documents' words.
    """
    text = _LEVEL_GLUED.sub(r"\1 \2", text)

    def spell_out(match: re.Match[str]) -> str:
        word = match.group(0)
        return ABBREVIATIONS.get(normalize_for_matching(word), word)

    return re.sub(r"\w+", spell_out, text).strip()


# Control characters (other than tab and line breaks): invisible to staff, refused by PostgreSQL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text with control characters replaced by spaces, for what is stored as given."""
    return CONTROL_CHARACTERS.sub(" ", text)
