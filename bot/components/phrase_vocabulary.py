"""Phrase vocabulary matching, without Rasa: whole folded words, longest phrase first.

Kept apart from the Rasa component so the Python 3.11 test environment checks it too (every
button label of the domain must match the value its payload sets).
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from shared.text import ABBREVIATIONS, normalize_for_matching

_WORD = re.compile(r"\w+", re.UNICODE)
# Phone abbreviations ("ko", "dk", "cty" is listed as a phrase) spelled out, word by word.
_SPELLED_OUT = {
    short: tuple(_WORD.findall(normalize_for_matching(full)))
    for short, full in ABBREVIATIONS.items()
}


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]  # folded, lower-case
    entity: str
    value: str


def _spelled_tokens(text: str) -> list[tuple[str, int, int]]:
    """Folded words with abbreviations spelled out, each with the offsets of the word typed."""
    return [
        (word, match.start(), match.end())
        for match in _WORD.finditer(normalize_for_matching(text))
        for word in _SPELLED_OUT.get(match.group(), (match.group(),))
    ]


def read_vocabulary(path: Path) -> list[Phrase]:
    """The phrases of a vocabulary file, longest first (a longer phrase wins an overlap).

    A phrase listed under two values of one entity is refused: which one it means would
    depend on the order of the file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    seen: dict[tuple[str, tuple[str, ...]], str] = {}
    phrases = []
    for entity, values in data.items():
        for value, texts in values.items():
            for text in texts:
                words = tuple(word for word, _, _ in _spelled_tokens(str(text)))
                if not words:
                    raise ValueError(f"{path}: an empty phrase under {entity}: {value}")
                earlier = seen.setdefault((str(entity), words), str(value))
                if earlier != str(value):
                    raise ValueError(
                        f"{path}: '{text}' is listed under {entity}: {earlier} and {value}"
                    )
                phrases.append(Phrase(words, str(entity), str(value)))
    return sorted(phrases, key=lambda phrase: -len(phrase.words))


def find_entities(text: str, phrases: list[Phrase]) -> list[dict[str, Any]]:
    """Non-overlapping matches of whole-word phrases, with offsets into `text`.

    Folding maps one character to one (shared.text), so offsets found in the folded text
    are offsets in the original; an abbreviation ("ko", "dk") matches as the words it stands
    for, with its own offsets. One value per entity: the first in the message."""
    tokens = _spelled_tokens(text)
    words = [word for word, _, _ in tokens]
    taken = [False] * len(words)
    found: dict[str, dict[str, Any]] = {}
    for phrase in phrases:
        size = len(phrase.words)
        for i in range(len(words) - size + 1):
            if tuple(words[i : i + size]) != phrase.words or any(taken[i : i + size]):
                continue
            taken[i : i + size] = [True] * size
            start, end = tokens[i][1], tokens[i + size - 1][2]
            match = {
                "entity": phrase.entity,
                "value": phrase.value,
                "start": start,
                "end": end,
                "confidence_entity": 1.0,
            }
            if phrase.entity not in found or start < found[phrase.entity]["start"]:
                found[phrase.entity] = match
    return sorted(found.values(), key=lambda entity: entity["start"])
