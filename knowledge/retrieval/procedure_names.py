"""Which procedures a message names: the catalogue's titles and aliases found in its words.

The level-4 form needs the procedure the citizen means ("nộp hồ sơ khai sinh online"), and
a question that names one procedure ("đăng ký thường trú cần giấy tờ gì") is about that
procedure even where another document shares more of its words. A name is found as whole
words, with or without diacritics and with phone abbreviations spelled out, and the longest
name found is the most specific ("đăng ký khai sinh" over "khai sinh").
"""

from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.documents.model import KnowledgeDocument
from shared.text import expand_abbreviations, word_tokens

# Words an alias may end with that say how, not what: "làm hộ chiếu online" names the
# procedure in "làm hộ chiếu" too.
_HOW_SUFFIXES = (
    ["online"],
    ["truc", "tuyen"],
    ["qua", "mang"],
    ["tren", "mang"],
    ["tren", "vneid"],
)


@dataclass(frozen=True)
class NamedProcedure:
    document: KnowledgeDocument
    name: str  # the title or alias found
    words: int  # how many syllables it has: the longer, the more specific


def _name_words(name: str) -> list[str]:
    words = word_tokens(expand_abbreviations(name))
    for suffix in _HOW_SUFFIXES:
        if len(words) > len(suffix) and words[-len(suffix) :] == suffix:
            return words[: -len(suffix)]
    return words


def _contains(words: list[str], name: list[str]) -> bool:
    return any(words[i : i + len(name)] == name for i in range(len(words) - len(name) + 1))


class ProcedureNames:
    """The names of a set of procedures, tokenised once per index snapshot."""

    def __init__(self, documents: Iterable[KnowledgeDocument]) -> None:
        self._names = [
            (document, name, tokens)
            for document in documents
            if document.is_procedure
            for name in (document.title, *(document.aliases or []))
            if (tokens := _name_words(name))
        ]

    def named_in(self, text: str) -> list[NamedProcedure]:
        """Procedures named in `text`, most specific name first (ties keep catalogue order)."""
        words = word_tokens(expand_abbreviations(text))
        best: dict[str, NamedProcedure] = {}
        for document, name, tokens in self._names:
            if _contains(words, tokens) and len(tokens) > getattr(
                best.get(document.id), "words", 0
            ):
                best[document.id] = NamedProcedure(document, name, len(tokens))
        return sorted(best.values(), key=lambda named: -named.words)


def most_specific(named: list[NamedProcedure]) -> KnowledgeDocument | None:
    """The one procedure whose name found is longer than every other's, if there is one."""
    if not named or (len(named) > 1 and named[1].words == named[0].words):
        return None
    return named[0].document
