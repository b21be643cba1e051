"""Knowledge documents: one Markdown file with YAML front matter per FAQ entry or procedure."""

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationError,
    model_validator,
)

from knowledge.documents.procedures import (
    Authority,
    FilingChannel,
    OnlineLevel,
    Section,
    split_sections,
)
from knowledge.documents.rules import document_problems

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


class DocumentKind(StrEnum):
    FAQ = "faq"
    PROCEDURE = "procedure"


MAX_FAQ_BODY_CHARS = (
    8000  # one answer, read on a phone; a procedure's sections may add up to 12,000
)
# Fields only a procedure has; a FAQ document's file never mentions them.
PROCEDURE_FIELDS = (
    "procedure_code",
    "authority",
    "online",
    "file_online_at",
    "portal_url",
    "aliases",
)


class KnowledgeDocument(BaseModel):
    """A validated knowledge-base entry; the body is the Markdown answer shown to citizens.

    A FAQ answers one question. A procedure (`kind: procedure`) describes one public
    service in named sections (knowledge/documents/procedures.py), each retrieved on its own.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, Field(pattern=DOCUMENT_ID_PATTERN, max_length=80)]
    kind: DocumentKind = DocumentKind.FAQ
    title: Annotated[NonBlank, Field(max_length=160)]
    topic: Topic
    # The national procedure code, only where a source gives one (e.g. "1.004873").
    procedure_code: Annotated[str, Field(pattern=r"^[0-9][0-9.]{2,30}$")] | None = None
    authority: Authority | None = None  # the level that decides
    online: OnlineLevel | None = None  # toàn trình, một phần, or in person only
    file_online_at: list[FilingChannel] | None = None
    portal_url: HttpUrl | None = None  # the procedure's page (or the national portal)
    aliases: list[Annotated[NonBlank, Field(max_length=120)]] | None = (
        None  # short names citizens type
    )
    questions: Annotated[list[Annotated[NonBlank, Field(max_length=300)]], Field(min_length=1)]
    sources: Annotated[list[HttpUrl], Field(min_length=1)]
    reviewed: dt.date
    body: Annotated[NonBlank, Field(max_length=12000)]

    @model_validator(mode="after")
    def _procedure_fields_match_the_kind(self) -> "KnowledgeDocument":
        given = [name for name in PROCEDURE_FIELDS if getattr(self, name) is not None]
        if self.kind is DocumentKind.FAQ and given:
            raise ValueError(f"only a procedure (kind: procedure) has {', '.join(given)}")
        if self.kind is DocumentKind.FAQ and len(self.body) > MAX_FAQ_BODY_CHARS:
            raise ValueError(
                f"body: a question-and-answer body has at most {MAX_FAQ_BODY_CHARS} characters"
            )
        if self.kind is DocumentKind.PROCEDURE:
            missing = [
                n
                for n in ("authority", "online", "file_online_at", "portal_url", "aliases")
                if not getattr(self, n)
            ]
            if missing:
                raise ValueError(
                    f"a procedure needs {', '.join(missing)} (unknown where the sources do not say)"
                )
            channels = self.file_online_at or []
            if FilingChannel.UNKNOWN in channels and len(channels) > 1:
                raise ValueError(
                    "file_online_at: unknown stands alone (where to file online is not confirmed)"
                )
        return self

    @property
    def primary_url(self) -> str:
        return str(self.sources[0])

    @property
    def is_procedure(self) -> bool:
        return self.kind is DocumentKind.PROCEDURE

    @property
    def sections(self) -> list[Section]:
        """A procedure's lead and named sections; a FAQ has none."""
        return split_sections(self.body) if self.is_procedure else []

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


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


def validation_problems(error: ValidationError) -> list[str]:
    """One line per problem, `field: message`, as staff and `kb validate` read them."""
    return [
        f"{'.'.join(str(p) for p in item['loc']) or 'document'}: {item['msg']}"
        for item in error.errors()
    ]


_FRONT_MATTER = re.compile(
    r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.DOTALL
)


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
        raise ValueError("; ".join(validation_problems(exc))) from exc
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
            result.errors.append(
                DocumentError(path, f"duplicate id, first defined in {seen[document.id]}")
            )
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
    if not document.is_procedure:  # a FAQ file stays as it was written
        for name in ("kind", *PROCEDURE_FIELDS):
            metadata.pop(name)
    metadata["reviewed"] = document.reviewed
    front_matter = yaml.dump(
        metadata, Dumper=_FrontMatterDumper, allow_unicode=True, sort_keys=False, width=10**6
    )
    return f"---\n{front_matter}---\n{document.body}\n"
