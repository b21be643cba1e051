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
    """Syllables plus adjacent-syllable bigrams.

    Vietnamese words are often two syllables ("mật khẩu"); bigrams let BM25 reward the
    word without a word segmenter.
    """
    syllables = word_tokens(text)
    bigrams = [f"{a}_{b}" for a, b in zip(syllables, syllables[1:])]
    return syllables + bigrams
