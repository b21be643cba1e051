"""Knowledge documents: one Markdown file with YAML front matter per FAQ entry or procedure."""

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from knowledge.retrieval.document_rules import document_problems

logger = logging.getLogger(__name__)

DOCUMENT_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Topic(StrEnum):
    VNEID = "vneid"
    DICH_VU_CONG = "dich_vu_cong"
    CHU_KY_SO = "chu_ky_so"
    HO_TRO = "ho_tro"


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


NonBlank = Annotated[str, AfterValidator(_not_blank)]


class KnowledgeDocument(BaseModel):
    """A validated knowledge-base entry; the body is the Markdown answer shown to citizens."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, Field(pattern=DOCUMENT_ID_PATTERN, max_length=80)]
    title: Annotated[NonBlank, Field(max_length=160)]
    topic: Topic
    questions: Annotated[list[Annotated[NonBlank, Field(max_length=300)]], Field(min_length=1)]
    sources: Annotated[list[HttpUrl], Field(min_length=1)]
    reviewed: dt.date
    body: Annotated[NonBlank, Field(max_length=8000)]

    @property
    def primary_url(self) -> str:
        return str(self.sources[0])


@dataclass(frozen=True)
class DocumentError:
    """Why one file could not be loaded; reported, never fatal for the others."""

    path: Path
    reason: str


@dataclass
class DocumentSet:
    documents: list[KnowledgeDocument] = field(default_factory=list)
    errors: list[DocumentError] = field(default_factory=list)

    def by_id(self) -> dict[str, KnowledgeDocument]:
        return {doc.id: doc for doc in self.documents}


def _format_validation_error(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        location = ".".join(str(p) for p in item["loc"]) or "document"
        parts.append(f"{location}: {item['msg']}")
    return "; ".join(parts)


_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.DOTALL)


def parse_document(text: str, *, expected_id: str | None = None) -> KnowledgeDocument:
    """Parse one document's text; raises ValueError with a readable reason."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        raise ValueError("missing YAML front matter between '---' lines")
    try:
        metadata = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise ValueError(f"front matter is not valid YAML: {exc}") from exc
    if not isinstance(metadata, dict):
        raise ValueError("front matter has an unexpected shape: expected 'key: value' lines")
    try:
        document = KnowledgeDocument(**metadata, body=match.group(2).strip())
    except ValidationError as exc:
        raise ValueError(_format_validation_error(exc)) from exc
    except TypeError as exc:
        raise ValueError(f"front matter has an unexpected shape: {exc}") from exc
    if expected_id is not None and document.id != expected_id:
        raise ValueError(f"id '{document.id}' does not match the file name '{expected_id}'")
    return document


def load_documents(directory: Path) -> DocumentSet:
    """Load every `*.md` under `directory`; malformed files, and files that break a rule of
    `document_rules`, are collected as errors."""
    result = DocumentSet()
    seen: dict[str, Path] = {}
    for path in sorted(directory.rglob("*.md")):
        try:
            document = parse_document(path.read_text(encoding="utf-8"), expected_id=path.stem)
        except (ValueError, UnicodeDecodeError) as exc:
            result.errors.append(DocumentError(path, str(exc)))
            continue
        if problems := document_problems(document):  # the same rules as import and save
            result.errors.append(DocumentError(path, "; ".join(problems)))
            continue
        if document.id in seen:
            result.errors.append(DocumentError(path, f"duplicate id, first defined in {seen[document.id]}"))
            continue
        seen[document.id] = path
        result.documents.append(document)
    for error in result.errors:
        logger.warning("Skipped knowledge document %s: %s", error.path, error.reason)
    return result


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def lead_sentence(body: str) -> str:
    """The first sentence of a body, for short previews (clarify buttons, search hits)."""
    first_paragraph = body.strip().split("\n\n", 1)[0]
    return _SENTENCE_END.split(first_paragraph, 1)[0].strip()


class _FrontMatterDumper(yaml.SafeDumper):
    """Indents list items under their key ("  - item"), as the knowledge base is written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def serialize_document(document: KnowledgeDocument) -> str:
    """The file text of a document; `parse_document` reads it back to an equal document."""
    metadata = document.model_dump(mode="json", exclude={"body", "reviewed"})
    metadata["reviewed"] = document.reviewed
    front_matter = yaml.dump(
        metadata, Dumper=_FrontMatterDumper, allow_unicode=True, sort_keys=False, width=10**6
    )
    return f"---\n{front_matter}---\n{document.body}\n"
