"""Which procedures a message names: the catalogue's titles and aliases found in its words.

The level-4 form needs the procedure the citizen means ("nộp hồ sơ khai sinh online"), not
the document a search ranks first: a name is found as whole words, with or without
diacritics and with phone abbreviations spelled out, and the longest name found is the most
specific ("đăng ký khai sinh" over "khai sinh").
"""

from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.retrieval.documents import KnowledgeDocument
from knowledge.text import expand_abbreviations, word_tokens


@dataclass(frozen=True)
class NamedProcedure:
    document: KnowledgeDocument
    name: str  # the title or alias found
    words: int  # how many syllables it has: the longer, the more specific


# Words an alias may end with that say how, not what: "làm hộ chiếu online" names the
# procedure in "làm hộ chiếu" too.
_HOW_SUFFIXES = (["online"], ["truc", "tuyen"], ["qua", "mang"], ["tren", "mang"], ["tren", "vneid"])


def _name_words(name: str) -> list[str]:
    words = word_tokens(expand_abbreviations(name))
    for suffix in _HOW_SUFFIXES:
        if len(words) > len(suffix) and words[-len(suffix):] == suffix:
            return words[:-len(suffix)]
    return words


def _contains(words: list[str], name: list[str]) -> bool:
    return any(words[i:i + len(name)] == name for i in range(len(words) - len(name) + 1))


def named_procedures(documents: Iterable[KnowledgeDocument], text: str) -> list[NamedProcedure]:
    """Procedures named in `text`, most specific name first (ties keep catalogue order)."""
    words = word_tokens(expand_abbreviations(text))
    found = []
    for document in documents:
        if not document.is_procedure:
            continue
        names = [(len(tokens), name) for name in (document.title, *(document.aliases or []))
                 if (tokens := _name_words(name)) and _contains(words, tokens)]
        if names:
            length, name = max(names, key=lambda pair: pair[0])
            found.append(NamedProcedure(document, name, length))
    return sorted(found, key=lambda named: -named.words)


def most_specific(named: list[NamedProcedure]) -> KnowledgeDocument | None:
    """The one procedure whose name found is longer than every other's, if there is one."""
    if not named or (len(named) > 1 and named[1].words == named[0].words):
        return None
    return named[0].document
