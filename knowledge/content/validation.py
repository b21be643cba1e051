"""Staff-facing checks of a document: the rule set (knowledge/documents/rules.py)
plus a round trip through the Markdown file, reported as one InvalidInput listing every
problem."""

from pydantic import ValidationError

from knowledge.documents.model import (
    KnowledgeDocument,
    parse_document,
    serialize_document,
    validation_problems,
)
from knowledge.documents.rules import document_problems, markdown_problems
from knowledge.platform import messages
from knowledge.platform.errors import InvalidInput
from shared.text import printable

__all__ = [
    "checked_document",
    "checked_source",
    "document_problems",
    "markdown_problems",
    "printable",
]


def checked_document(fields: dict[str, object]) -> KnowledgeDocument:
    """A document from field values, or InvalidInput listing every problem."""
    try:
        document = KnowledgeDocument.model_validate(fields)
    except ValidationError as exc:
        raise InvalidInput(messages.INVALID_DOCUMENT, validation_problems(exc)) from exc
    problems = document_problems(document)
    try:
        if parse_document(serialize_document(document)) != document:
            problems.append(messages.NOT_ROUND_TRIPPABLE)
    except ValueError:
        problems.append(messages.NOT_ROUND_TRIPPABLE)
    if problems:
        raise InvalidInput(messages.INVALID_DOCUMENT, problems)
    return document


def checked_source(
    text: str, *, expected_id: str | None = None, where: str = ""
) -> KnowledgeDocument:
    """A document from a Markdown file's text (import), or InvalidInput."""
    prefix = f"{where}: " if where else ""
    try:
        document = parse_document(text, expected_id=expected_id)
    except ValueError as exc:
        raise InvalidInput(messages.INVALID_DOCUMENT, [f"{prefix}{exc}"]) from exc
    problems = document_problems(document)
    if problems:
        raise InvalidInput(messages.INVALID_DOCUMENT, [f"{prefix}{p}" for p in problems])
    return document
