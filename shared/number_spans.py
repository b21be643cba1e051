"""Numbers that are personal data, found whatever separates their digits.

Standard library only. Works on a `NormalisedView` (digits already folded to ASCII, spelled
digits read, format characters gone), so `(079) 123 456 715`, `091/234/5604`,
`079_123_456_712` and `07912345 bảy một bảy` are all twelve or ten digits in a row here.

A run is digits with at most a few non-letter characters between them. A run may hold
several numbers ("0912345678, 079123456789"), so it is cut where its digits were separated
into the pieces that read as an ID or a phone number; what is left of nine digits or more is
masked too (a tax code, an insurance number, an ID with a digit missing): a long number in a
citizen's message is far more often theirs than anything the bot needs.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from shared.normalised_view import NormalisedView

ID_NUMBER, PHONE, SECRET = "id_number", "phone", "secret"

_DIGIT_GROUP = re.compile(r"\d+")
# What may stand between two digits of one number: spaces, punctuation, brackets, plus.
_GAP = re.compile(r"[^\w]{1,4}|_{1,4}")
_PHONE = re.compile(r"(?:0084|84|0)\d{9,10}")
_ID_LENGTHS = (9, 12)
_LONGEST = 14
_STRONG_GAP = re.compile(r"[,;\n]")
# A money amount is not personal data: "2.000.000.000 đồng", "1,500,000 vnd".
_MONEY_AFTER = re.compile(r"\s*(?:dong|d\b|vnd|trieu|ty|nghin|ngan)")
# Words that say the number next to them is a one-time code.
_CODE_WORD = re.compile(r"\b(?:otp|ma|code|passcode|pin|xac thuc|xac nhan|mat khau|mk)\b")
_CODE_WORD_REACH = 40


@dataclass(frozen=True)
class NumberSpan:
    start: int  # in the view's text
    end: int
    kind: str


@dataclass(frozen=True)
class _Group:
    start: int
    end: int
    spelled: bool  # one digit that was a word in the original


def _groups(view: NormalisedView) -> Iterator[list[_Group]]:
    """Runs of digit groups, each group joined to the next by a short gap of non-letters."""
    run: list[_Group] = []
    for match in _DIGIT_GROUP.finditer(view.text):
        units = [_Group(p, p + 1, p in view.spelled) for p in range(match.start(), match.end())]
        for item in _merge_plain(units):
            if run and not (
                run[-1].end == item.start or _GAP.fullmatch(view.text, run[-1].end, item.start)
            ):
                yield run
                run = []
            run.append(item)
    if run:
        yield run


def _merge_plain(groups: list[_Group]) -> list[_Group]:
    """Adjacent typed digits stay one group; spelled ones stay single."""
    merged: list[_Group] = []
    for group in groups:
        if (
            merged
            and not group.spelled
            and not merged[-1].spelled
            and merged[-1].end == group.start
        ):
            merged[-1] = _Group(merged[-1].start, group.end, False)
        else:
            merged.append(group)
    return merged


def _kind(digits: str) -> str | None:
    if _PHONE.fullmatch(digits):
        return PHONE
    if len(digits) in _ID_LENGTHS:
        return ID_NUMBER
    return None


def _digits(view: NormalisedView, run: list[_Group]) -> str:
    return "".join(view.text[g.start : g.end] for g in run)


def _segments(view: NormalisedView, run: list[_Group]) -> list[tuple[int, int, str]]:
    """Cut a run into IDs and phone numbers, left to right, longest first: (first group,
    last group + 1, kind)."""
    found, at = [], 0
    while at < len(run):
        longest, digits = None, ""
        for last in range(at + 1, len(run) + 1):  # only as far as a number can be long
            digits += view.text[run[last - 1].start : run[last - 1].end]
            if len(digits) > _LONGEST:
                break
            kind = _kind(digits)
            if kind:
                longest = (at, last, kind)
        if longest:
            found.append(longest)
            at = longest[1]
        else:
            at += 1
    return found


def _untaken_stretches(run: list[_Group], taken: set[int]) -> Iterator[list[_Group]]:
    stretch: list[_Group] = []
    for i, group in enumerate(run):
        if i in taken:
            if stretch:
                yield stretch
            stretch = []
        else:
            stretch.append(group)
    if stretch:
        yield stretch


def _dates(view: NormalisedView, stretch: list[_Group]) -> bool:
    """Day, month, year groups ("01/01/2024-31/12/2024") are dates, not a person's number."""
    lengths = [g.end - g.start for g in stretch]
    if len(lengths) % 3:
        return False
    return all(
        d <= 2 and m <= 2 and y == 4 for d, m, y in zip(lengths[::3], lengths[1::3], lengths[2::3])
    )


def _is_money(view: NormalisedView, run: list[_Group]) -> bool:
    return bool(_MONEY_AFTER.match(view.text, run[-1].end))


def _code_word_before(view: NormalisedView, start: int) -> bool:
    return bool(_CODE_WORD.search(view.text, max(0, start - _CODE_WORD_REACH), start))


def _parts(view: NormalisedView, run: list[_Group]) -> list[list[_Group]]:
    """The run cut where a comma, semicolon or line break separates its digits."""
    parts: list[list[_Group]] = [[run[0]]]
    for before, group in zip(run, run[1:]):
        if _STRONG_GAP.search(view.text, before.end, group.start):
            parts.append([])
        parts[-1].append(group)
    return parts


def _spans_of_run(view: NormalisedView, run: list[_Group]) -> list[NumberSpan]:
    """A list of numbers ("1900 1234, 0912 345 678") is read part by part; a number whose
    digits are grouped by commas ("079,123,456,789") as a whole."""
    parts = _parts(view, run)
    if len(parts) > 1:
        spans = [span for part in parts for span in _spans_of_part(view, part)]
        if spans:
            return spans
    return _spans_of_part(view, run)


def _spans_of_part(view: NormalisedView, run: list[_Group]) -> list[NumberSpan]:
    digits = _digits(view, run)
    spelled = [g.spelled for g in run]
    if all(spelled):
        # Spelled digits: four or more are a code read out; fewer are ordinary words.
        return [NumberSpan(run[0].start, run[-1].end, SECRET)] if len(run) >= 4 else []
    if _is_money(view, run) or _dates(view, run):
        return []
    # Spelled words at the edges ("từ 0912…", "năm 2024") are kept as words unless the
    # number needs them to read as an ID or a phone number.
    first = next(i for i, s in enumerate(spelled) if not s)
    last = len(run) - next(i for i, s in enumerate(reversed(spelled)) if not s)
    best: list[tuple[int, int, str]] = []
    for lo, hi in ((first, last), (0, len(run))):
        segments = [(a + lo, b + lo, kind) for a, b, kind in _segments(view, run[lo:hi])]
        covered = sum(len(_digits(view, run[a:b])) for a, b, _ in segments)
        if covered > sum(len(_digits(view, run[a:b])) for a, b, _ in best):
            best = segments
    spans = [NumberSpan(run[a].start, run[b - 1].end, kind) for a, b, kind in best]
    taken = {i for a, b, _ in best for i in range(a, b)}
    for stretch in _untaken_stretches(run[first:last], {i - first for i in taken}):
        if len(_digits(view, stretch)) >= 9 and not _dates(view, stretch):
            spans.append(NumberSpan(stretch[0].start, stretch[-1].end, ID_NUMBER))
    if not spans and len(digits) == 6 and len(run) > 1 and _code_word_before(view, run[0].start):
        spans.append(NumberSpan(run[0].start, run[-1].end, SECRET))  # "otp 482 609"
    return spans


def number_spans(view: NormalisedView) -> list[NumberSpan]:
    """IDs, phone numbers and spaced-out codes in the view, as spans of its text."""
    return [span for run in _groups(view) for span in _spans_of_run(view, run)]
