"""The clarify band for short messages: two or three words deserve a choice, not an apology.

A message of a few words ("thanh toán thất bại", "trạng thái hồ sơ") rarely reaches the
answer threshold, yet it is usually about something the knowledge base covers. It is offered
the top documents as buttons when every content word of it stands in one of the documents
that would be offered; a message with a word the knowledge base never uses ("giá vàng",
"karaoke") or with no content word at all ("sao vậy") is declined. Typed with diacritics, a
word must be known as typed: folded, "vàng" would meet "vắng". Measured on
eval/short_messages.yaml (`kb eval`), against one adjacent content-word pair in an offered
document (bare fallback in scope 4.2 %, out of scope offered choices 28 %) and that pair rule
without the pairs common to a quarter of the documents (7.6 %, 23 %); this rule: 5.3 %, 23 %.
"""

import re
import unicodedata
from collections.abc import Iterable

from knowledge.documents.model import KnowledgeDocument
from knowledge.retrieval.chunks import lexical_text
from shared.text import expand_abbreviations, fold_diacritics

_WORDS = re.compile(r"\w+", re.UNICODE)

# Function words, question words and fillers: they carry no subject, so they neither make a
# message topical nor count as unknown. Typed without diacritics a word is compared folded,
# except where the folded form is also a content word ("the": thế / thẻ, "can": cần / căn).
# "online" names the channel, not the subject: nearly everything this bot covers is done
# online ("bhtn online" asks about unemployment benefit). With it as a content word the
# in-scope bare fallback was 5.3 %, without it 4.9 %; out of scope answered 0 % either way.
FUNCTION_WORDS = frozenset(
    """
à ạ ah ai anh ấy bạn bao bị bot các cái cho chưa có còn của đã đang đâu đây để đến đi đó được em gì giúp
hả hay hãy khi không kìa là lại lâu lên lúc mà mấy mình muốn nào này nè nên nếu nhé nhỉ nhiêu như nhưng
nữa ở ơi ơ phải ra rồi sao sẽ thế thì thôi tôi từ ừ ủa và vào vậy về vì với oke ok alo hihi haha hmm online
""".split()
)
_AMBIGUOUS_FOLDED = frozenset({"the", "can", "ve", "do", "lai", "ban"})
_FUNCTION_FOLDED = frozenset(fold_diacritics(word) for word in FUNCTION_WORDS) - _AMBIGUOUS_FOLDED


def is_function_word(word: str) -> bool:
    return word in FUNCTION_WORDS if fold_diacritics(word) != word else word in _FUNCTION_FOLDED


def _message_words(text: str) -> list[str]:
    """Lower-case NFC words with abbreviations spelled out ("hs" → "hồ sơ")."""
    return _WORDS.findall(unicodedata.normalize("NFC", expand_abbreviations(text)).lower())


class KnowledgeVocabulary:
    """The words of the published documents, as written and folded, per document."""

    def __init__(self, documents: Iterable[KnowledgeDocument]) -> None:
        self._as_written: set[str] = set()
        self._folded: set[str] = set()
        self._terms_by_document: dict[str, set[str]] = {}  # folded words and adjacent pairs
        for document in documents:
            words = _message_words(lexical_text(document))
            self._as_written.update(words)
            folded = [fold_diacritics(word) for word in words]
            self._folded.update(folded)
            self._terms_by_document[document.id] = {
                *folded,
                *(f"{a} {b}" for a, b in zip(folded, folded[1:])),
            }

    def content_words(self, text: str) -> list[str]:
        return [word for word in _message_words(text) if not is_function_word(word)]

    def is_known(self, word: str) -> bool:
        folded = fold_diacritics(word)
        return word in self._as_written if folded != word else folded in self._folded

    def is_topical(self, text: str, offered: list[str]) -> bool:
        """Every content word known, all of them in one offered document, and there its one
        content word or two of its words side by side, one a content word ("thanh toán",
        "nhận được"; not "thời tiết", whose syllables stand in "thời hạn" and "chi tiết")."""
        words = _message_words(text)
        content = [word for word in words if not is_function_word(word)]
        if not content or not all(self.is_known(word) for word in content):
            return False
        folded_content = {fold_diacritics(word) for word in content}
        folded = [fold_diacritics(word) for word in words]
        pairs = {
            f"{a} {b}"
            for a, b in zip(folded, folded[1:])
            if a in folded_content or b in folded_content
        }
        for document_id in offered:
            terms = self._terms_by_document.get(document_id, set())
            if folded_content <= terms and (len(content) == 1 or pairs & terms):
                return True
        return False
