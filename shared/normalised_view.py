"""A normalised copy of a text in which personal data is easy to find, with every character
tied to the span of the original it came from.

Standard library only (the Rasa environment imports it through shared/privacy.py).

Detection runs on this copy and replacement on the original, so the citizen's other words
stay as they typed them. The copy has, one step at a time:
- percent-encoded bytes decoded (`079%20123` reads `079 123`);
- format characters (Unicode category Cf: zero-width space, word joiner, soft hyphen…) removed;
- compatibility forms folded (full-width `０９１` and `ＣＣＣＤ` read `091`, `cccd`), every
  decimal digit of any script read as its ASCII digit, diacritics removed, lower case;
- digits spelled as Vietnamese or English words read as digits when they stand beside other
  digits (`07912345 bảy một bảy`, `bốn tám tư hai`), with `tư`, `lăm`, `mốt`, `linh`, `lẻ`;
- the letter O or l standing for 0 or 1 inside a number (`O912345606`).
"""

import re
import unicodedata
from dataclasses import dataclass

from shared.text import fold_diacritics

# Folded spellings of the digits. Common words among them ("năm" is also "year", "ba" also
# "father") are read as digits only beside another digit (see `_read_digit_words`).
DIGIT_WORDS = {
    "khong": "0",
    "linh": "0",
    "le": "0",
    "zero": "0",
    "mot": "1",
    "one": "1",
    "hai": "2",
    "two": "2",
    "ba": "3",
    "three": "3",
    "bon": "4",
    "tu": "4",
    "four": "4",
    "nam": "5",
    "lam": "5",
    "nham": "5",
    "five": "5",
    "sau": "6",
    "six": "6",
    "bay": "7",
    "seven": "7",
    "tam": "8",
    "eight": "8",
    "chin": "9",
    "nine": "9",
}
_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_WORD = re.compile(r"[a-z]+")
# Between two spelled digits (or a spelled digit and a digit): spaces and light punctuation.
_WORD_GAP = re.compile(r"[\s,.;:/_·–—-]{0,4}")
_LOOKALIKE_DIGITS = {"o": "0", "l": "1", "i": "1"}
_LOOK_BEHIND = 16  # the longest digit word and the widest gap fit in it


@dataclass(frozen=True)
class NormalisedView:
    """`text[k]` came from `original[starts[k]:ends[k]]`."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    # Positions in `text` of digits that were spelled as words in the original.
    spelled: frozenset[int] = frozenset()

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original covering text[start:end] (end exclusive, non-empty)."""
        return self.starts[start], self.ends[end - 1]


def _fold_char(char: str) -> str:
    """One character in, one character out: the form detection compares."""
    compatible = unicodedata.normalize("NFKC", char)
    if len(compatible) == 1:
        char = compatible
    digit = unicodedata.decimal(char, None)
    if digit is not None:
        return str(digit)
    folded = fold_diacritics(char).lower()
    return folded if len(folded) == 1 else char


def _decoded_pieces(text: str) -> list[tuple[str, int, int]]:
    """(character, start, end) with percent-encoded runs decoded; each decoded character
    stands for its whole run."""
    pieces: list[tuple[str, int, int]] = []
    position = 0
    for match in _PERCENT_RUN.finditer(text):
        pieces += [
            (c, i, i + 1) for i, c in enumerate(text[position : match.start()], start=position)
        ]
        raw = bytes(int(match.group()[k + 1 : k + 3], 16) for k in range(0, len(match.group()), 3))
        pieces += [(c, match.start(), match.end()) for c in raw.decode("utf-8", errors="replace")]
        position = match.end()
    pieces += [(c, i, i + 1) for i, c in enumerate(text[position:], start=position)]
    return pieces


def _folded(text: str) -> NormalisedView:
    chars, starts, ends = [], [], []
    for char, start, end in _decoded_pieces(text):
        if unicodedata.category(char) == "Cf":
            continue
        chars.append(_fold_char(char))
        starts.append(start)
        ends.append(end)
    return NormalisedView("".join(chars), tuple(starts), tuple(ends))


def _digitish_at(text: str, position: int, direction: int) -> bool:
    """Whether a digit or a spelled digit lies next to `position` across a light gap."""
    if direction > 0:
        gap = _WORD_GAP.match(text, position)
        after = gap.end() if gap else position  # the gap may be empty: always a match
        word = _WORD.match(text, after)
        return bool(text[after : after + 1].isdigit() or (word and word.group() in DIGIT_WORDS))
    preceding = text[max(0, position - _LOOK_BEHIND) : position]  # a word and a gap, no more
    before = preceding.rstrip(" \t\n,.;:/_·–—-")
    if len(preceding) - len(before) > 4:
        return False
    word = re.search(r"[a-z]+$", before)
    return bool(before[-1:].isdigit() or (word and word.group() in DIGIT_WORDS))


def _read_digit_words(view: NormalisedView) -> NormalisedView:
    """Spelled digits beside other digits become one digit each (spanning the word)."""
    chars, starts, ends, spelled = list(view.text), list(view.starts), list(view.ends), set()
    replacements = []
    for match in _WORD.finditer(view.text):
        digit = DIGIT_WORDS.get(match.group())
        if digit is None or (match.start() > 0 and view.text[match.start() - 1].isalpha()):
            continue
        if _digitish_at(view.text, match.start(), -1) or _digitish_at(view.text, match.end(), 1):
            replacements.append((match.start(), match.end(), digit))
    for start, end, digit in reversed(replacements):
        chars[start:end] = [digit]
        starts[start:end] = [view.starts[start]]
        ends[start:end] = [view.ends[end - 1]]
    offset = 0
    for start, end, _ in replacements:  # positions of the new digits in the shortened text
        spelled.add(start - offset)
        offset += end - start - 1
    return NormalisedView("".join(chars), tuple(starts), tuple(ends), frozenset(spelled))


def _read_lookalike_digits(view: NormalisedView) -> NormalisedView:
    """An O or l before two digits, or beside a digit and apart from letters, is a digit
    ("O912345606", "CCCDO79…")."""
    chars = list(view.text)
    for k, char in enumerate(view.text):
        if char not in _LOOKALIKE_DIGITS:
            continue
        before = view.text[k - 1] if k > 0 else " "
        after, second = view.text[k + 1 : k + 2] or " ", view.text[k + 2 : k + 3] or " "
        glued_to_digits = after.isdigit() and second.isdigit()  # "CCCDO79…", "O912…"
        if (
            glued_to_digits
            or (before.isdigit() or after.isdigit())
            and not before.isalpha()
            and not after.isalpha()
        ):
            chars[k] = _LOOKALIKE_DIGITS[char]
    return NormalisedView("".join(chars), view.starts, view.ends, view.spelled)


def normalised_view(text: str) -> NormalisedView:
    """The copy personal data is detected in (see the module docstring), with number words
    still words: what finds a secret by the word before it ("otp 123456 không dùng được")
    must not take "không" for a digit."""
    return _read_lookalike_digits(_folded(text))


def with_spelled_digits(view: NormalisedView) -> NormalisedView:
    """The same copy with spelled digits beside other digits read as digits, for numbers."""
    return _read_digit_words(view)
