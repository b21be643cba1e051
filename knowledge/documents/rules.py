"""One rule set for a valid knowledge document, beside the document model.

Used by the folder loader (`kb validate`, the index build), imports, saves from the API and
the page alike, so a file can never pass one and be refused by another. The body is shown
to citizens in the chat widget and to staff in the admin page, so raw HTML, script links and
unclosed code blocks are refused at the door instead of escaped later.
"""

import re
from collections.abc import Iterator
from typing import Protocol

from markdown_it import MarkdownIt
from markdown_it.token import Token

from knowledge.documents.procedures import section_problems
from shared.text import CONTROL_CHARACTERS


class RuledDocument(Protocol):
    """What the rules read of a document (the model in `model.py` applies them when loading,
    so this module names the fields instead of importing it)."""

    title: str
    body: str
    questions: list[str]

    @property
    def is_procedure(self) -> bool: ...


# Why a document is refused: shown to staff (Vietnamese) and printed by `kb validate`.
RAW_HTML = "không được chứa mã HTML ({snippet})"
UNSAFE_LINK = "liên kết không an toàn: {url}"
UNCLOSED_FENCE = "khối mã ``` chưa được đóng"
DUPLICATE_QUESTION = "câu hỏi bị lặp: {question}"
CONTROL_CHARACTER = "có ký tự điều khiển không in được"
FRONT_MATTER_IN_BODY = "nội dung không được bắt đầu bằng '---'"
MARKUP_IN_TEXT = "không được chứa thẻ HTML ({snippet})"


SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
# Markdown-it drops such links silently (they render as text); say so instead.
_SCRIPT_LINK = re.compile(r"\]\(\s*<?\s*((?:javascript|vbscript|data|file):[^)\s]*)", re.IGNORECASE)
_parser = MarkdownIt("commonmark", {"html": True}).enable("table")


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _unclosed_fence(body: str) -> bool:
    opener: str | None = None
    for match in _FENCE.finditer(body):
        marker = match.group(1)
        if opener is None:
            opener = marker
        elif marker[0] == opener[0] and len(marker) >= len(opener):
            opener = None
    return opener is not None


def markdown_problems(body: str) -> list[str]:
    """Why a body is not acceptable Markdown, or [] when it is."""
    problems: list[str] = []
    if body.lstrip().startswith("---"):
        problems.append(FRONT_MATTER_IN_BODY)
    if _unclosed_fence(body):
        problems.append(UNCLOSED_FENCE)
    for match in _SCRIPT_LINK.finditer(body):
        problems.append(UNSAFE_LINK.format(url=match.group(1)[:80]))
    for token in _walk(_parser.parse(body)):
        if token.type in {"html_block", "html_inline"}:
            problems.append(RAW_HTML.format(snippet=token.content.strip()[:40]))
        elif token.type in {"link_open", "image"}:
            url = str(token.attrGet("href") or token.attrGet("src") or "")
            if not url.lower().startswith(SAFE_SCHEMES):
                problems.append(UNSAFE_LINK.format(url=url[:80]))
    return [f"body: {p}" for p in dict.fromkeys(problems)]


# A tag-like `<word` or `</word`: titles and phrasings are plain text everywhere they show.
_TAG = re.compile(r"</?[A-Za-z!][^>]*>?")


def document_problems(document: RuledDocument) -> list[str]:
    problems = markdown_problems(document.body)
    if document.is_procedure:
        problems += [f"body: {p}" for p in section_problems(document.body)]
    for field, text in (("title", document.title), *(("questions", q) for q in document.questions)):
        if match := _TAG.search(text):
            problems.append(f"{field}: {MARKUP_IN_TEXT.format(snippet=match.group(0)[:40])}")
    texts = {
        "title": document.title,
        "body": document.body,
        "questions": "\n".join(document.questions),
    }
    problems += [
        f"{field}: {CONTROL_CHARACTER}"
        for field, text in texts.items()
        if CONTROL_CHARACTERS.search(text)
    ]
    seen: set[str] = set()
    for question in document.questions:
        key = " ".join(question.casefold().split())  # with and without diacritics are both kept
        if key in seen:
            problems.append(f"questions: {DUPLICATE_QUESTION.format(question=question[:80])}")
        seen.add(key)
    return problems
