"""A procedure catalogue in bulk: CSV or JSON with one row per procedure and one column per
section, or a Word file whose headings are the sections.

Every row becomes a procedure document (kind: procedure) checked by the same rules as a
Markdown file (knowledge/content/validation.py); a problem names its line (CSV, JSON) or
paragraph (Word) and its reason, and one problem means nothing is stored. The documents go in
as drafts through knowledge/content/transfer.py.
"""

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from knowledge.content.archive_limits import ArchiveLimits, read_members, rebuilt_zip
from knowledge.content.validation import checked_document
from knowledge.documents.model import KnowledgeDocument, serialize_document
from knowledge.documents.procedures import HEADINGS, ORDER, SUMMARY_HEADING, SectionKey
from knowledge.platform import messages
from knowledge.platform.csv_cells import restored
from knowledge.platform.errors import InvalidInput, TooLarge
from shared.text import normalize_for_matching

# Front-matter fields a row may give; `kind` is always procedure and the body is built from
# the section columns.
FIELD_COLUMNS = (
    "id",
    "title",
    "topic",
    "procedure_code",
    "authority",
    "online",
    "file_online_at",
    "portal_url",
    "aliases",
    "questions",
    "sources",
    "reviewed",
)
LIST_COLUMNS = {"file_online_at", "aliases", "questions", "sources"}
REQUIRED_COLUMNS = ("id", "title")
DEFAULT_TOPIC = "dich_vu_cong"


def _section_of_name(name: str) -> SectionKey | None:
    """A column or heading naming a section: its key ("papers") or its heading ("Giấy tờ cần có"),
    in any case and with or without diacritics."""
    folded = normalize_for_matching(name).strip()
    for key in SectionKey:
        if folded in (
            key.value,
            normalize_for_matching(SUMMARY_HEADING if key is SectionKey.SUMMARY else HEADINGS[key]),
        ):
            return key
    return None


def _list_cell(column: str, value: object) -> list[str]:
    """A list cell: a JSON list, or text with one item per line (sources, channels: also spaces or commas)."""
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    text = str(value)
    separators = r"[\n,\s]+" if column in ("sources", "file_online_at") else r"\n+"
    return [item.strip() for item in re.split(separators, text) if item.strip()]


def procedure_body(sections: dict[SectionKey, str]) -> str:
    """The Markdown body: the summary as its lead paragraph, then each non-empty section under its heading."""
    parts = [sections.get(SectionKey.SUMMARY, "").strip()]
    parts += [
        f"## {HEADINGS[key]}\n\n{sections[key].strip()}"
        for key in ORDER
        if sections.get(key, "").strip()
    ]
    return "\n\n".join(part for part in parts if part)


def procedure_from_row(row: dict[str, object]) -> tuple[KnowledgeDocument, str]:
    """One procedure from a row's cells (front-matter fields and section texts), or InvalidInput."""
    fields: dict[str, object] = {"kind": "procedure", "topic": DEFAULT_TOPIC}
    sections: dict[SectionKey, str] = {}
    unknown = []
    for column, value in row.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if column in FIELD_COLUMNS:
            fields[column] = (
                _list_cell(column, value) if column in LIST_COLUMNS else str(value).strip()
            )
        elif (key := _section_of_name(column)) is not None:
            sections[key] = str(value)
        else:
            unknown.append(column)
    if unknown:
        raise InvalidInput(
            messages.INVALID_DOCUMENT, [f"cột không dùng được: {', '.join(unknown)}"]
        )
    fields["body"] = procedure_body(sections)
    document = checked_document(fields)
    return document, serialize_document(document)


@dataclass
class _Collector:
    """Documents and problems gathered row by row; a repeated id is a problem too."""

    documents: list[tuple[KnowledgeDocument, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    first_seen: dict[str, str] = field(default_factory=dict)

    def add(self, where: str, row: dict[str, object]) -> None:
        label = f"{where} ({row.get('id')})" if row.get("id") else where
        try:
            document, source = procedure_from_row(row)
        except InvalidInput as exc:
            self.problems += [f"{label}: {p}" for p in exc.problems]
            return
        if document.id in self.first_seen:
            self.problems.append(f"{label}: mã trùng với {self.first_seen[document.id]}")
            return
        self.first_seen[document.id] = where
        self.documents.append((document, source))

    def result(self, empty: str) -> list[tuple[KnowledgeDocument, str]]:
        if self.problems or not self.documents:
            raise InvalidInput(messages.INVALID_ARCHIVE, self.problems or [empty])
        return self.documents


def read_catalogue_csv(text: str) -> list[tuple[KnowledgeDocument, str]]:
    """Procedures from CSV rows (header: FIELD_COLUMNS and section keys or headings)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [name.strip() for name in reader.fieldnames or []]
    except csv.Error as exc:
        raise InvalidInput(messages.INVALID_ARCHIVE, [f"dòng 1: {exc}"]) from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidInput(messages.INVALID_ARCHIVE, [f"dòng 1: thiếu cột {', '.join(missing)}"])
    reader.fieldnames = header
    collector = _Collector()
    try:
        for raw in reader:
            if None in raw:
                collector.problems.append(
                    f"dòng {reader.line_num}: nhiều ô hơn số cột của dòng tiêu đề"
                )
                continue
            row = {
                key: restored(value) if isinstance(value, str) else value
                for key, value in raw.items()
            }
            if any(isinstance(v, str) and v.strip() for v in row.values()):
                collector.add(f"dòng {reader.line_num}", row)
    except csv.Error as exc:
        raise InvalidInput(messages.INVALID_ARCHIVE, [f"dòng {reader.line_num}: {exc}"]) from exc
    return collector.result("csv: không có dòng thủ tục nào")


class LineCounter:
    """Line numbers of ever later positions in one text, counting each character once: counting
    from the start for every row made an 8.9 MB catalogue take 46 s."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._position = 0
        self._line = 1

    def line_at(self, position: int) -> int:
        if position < self._position:
            raise ValueError(
                f"position {position} is before {self._position}: lines are counted forward only"
            )
        self._line += self._text.count("\n", self._position, position)
        self._position = position
        return self._line


def _json_rows(text: str) -> Iterator[tuple[int, object]]:
    """Each element of a top-level JSON array with the line it starts on."""
    decoder = json.JSONDecoder()
    stripped = text.lstrip("\ufeff")
    lines = LineCounter(stripped)
    position = len(stripped) - len(stripped.lstrip())
    if not stripped[position:].startswith("["):
        raise InvalidInput(messages.INVALID_ARCHIVE, ["json: cần một mảng [...] các thủ tục"])
    position += 1
    while True:
        while position < len(stripped) and stripped[position] in " \t\r\n,":
            position += 1
        if position >= len(stripped):
            raise InvalidInput(messages.INVALID_ARCHIVE, ["json: thiếu dấu ] đóng mảng"])
        if stripped[position] == "]":
            break
        line = lines.line_at(position)
        try:
            value, position = decoder.raw_decode(stripped, position)
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                messages.INVALID_ARCHIVE, [f"dòng {exc.lineno}: JSON sai cú pháp ({exc.msg})"]
            ) from exc
        except RecursionError as exc:  # "[[[[…" thousands deep
            raise InvalidInput(
                messages.INVALID_ARCHIVE, [f"dòng {line}: JSON lồng quá sâu"]
            ) from exc
        yield line, value
    if stripped[position + 1 :].strip():
        line = lines.line_at(position)
        raise InvalidInput(
            messages.INVALID_ARCHIVE, [f"dòng {line}: còn nội dung sau dấu ] đóng mảng"]
        )


def read_catalogue_json(text: str) -> list[tuple[KnowledgeDocument, str]]:
    """Procedures from a JSON array of objects; sections as top-level keys or under "sections"."""
    collector = _Collector()
    for line, value in _json_rows(text):
        if not isinstance(value, dict):
            collector.problems.append(f"dòng {line}: mỗi phần tử phải là một đối tượng {{...}}")
            continue
        row = {k: v for k, v in value.items() if k != "sections"}
        nested = value.get("sections") or {}
        if not isinstance(nested, dict):
            collector.problems.append(f'dòng {line}: "sections" phải là một đối tượng')
            continue
        row.update(nested)
        collector.add(f"dòng {line}", row)
    return collector.result("json: mảng rỗng")


_LIST_STYLES = {"List Number": "number", "List Bullet": "bullet"}


# python-docx spends about 40 µs and 450 bytes per paragraph: a body within the size limits can
# still hold 700,000 empty ones (36 s, +326 MB). A catalogue of a province's procedures has a few
# thousand; the national catalogue comes as CSV or JSON.
MAX_DOCX_PARAGRAPHS = 50_000
_PARAGRAPH_START = re.compile(rb"<w:p[\s/>]")


def _check_paragraph_count(members: list[tuple[str, bytes]]) -> None:
    """Counted on the raw XML before python-docx builds an object for each."""
    body = next((content for name, content in members if name == "word/document.xml"), b"")
    count = len(_PARAGRAPH_START.findall(body))
    if count > MAX_DOCX_PARAGRAPHS:
        raise TooLarge(
            messages.DOCX_TOO_MANY_PARAGRAPHS.format(
                count=f"{count:,}".replace(",", "."),
                limit=f"{MAX_DOCX_PARAGRAPHS:,}".replace(",", "."),
            )
        )


def _docx_paragraphs(data: bytes, limits: ArchiveLimits) -> list[tuple[str, str, str]]:
    """(style name, list kind or "", text) of each paragraph of a Word file.

    python-docx inflates and parses every part at once, so it is given only parts already
    read within `limits` (TooLarge otherwise), rebuilt as a new file."""
    import docx  # python-docx, imported here so only a Word import pays for it
    from docx.enum.style import WD_STYLE_TYPE

    members = read_members(data, limits)
    _check_paragraph_count(members)
    checked = rebuilt_zip(members)
    try:
        document = docx.Document(io.BytesIO(checked))
    except Exception as exc:
        raise InvalidInput(
            messages.INVALID_ARCHIVE, [f"docx: không đọc được tệp Word ({type(exc).__name__})"]
        ) from exc
    # python-docx looks a paragraph's style up by scanning every style (about 2 ms in a real
    # file), so each style id is looked up once: 800,000 empty paragraphs took 14 minutes.
    style_names: dict[str | None, str] = {}

    def style_name(style_id: str | None) -> str:
        if style_id not in style_names:
            style = document.styles.get_by_id(style_id, WD_STYLE_TYPE.PARAGRAPH)
            style_names[style_id] = (style.name if style is not None else None) or ""
        return style_names[style_id]

    paragraphs = []
    for paragraph in document.paragraphs:
        style = style_name(paragraph._p.style)  # the pStyle id; what Paragraph.style resolves
        text = paragraph.text.strip()
        kind = next((k for prefix, k in _LIST_STYLES.items() if style.startswith(prefix)), "")
        paragraphs.append((style, kind, text))
    return paragraphs


_METADATA_LINE = re.compile(r"^([a-z_]+)\s*:\s*(.*)$")


def read_catalogue_docx(data: bytes, limits: ArchiveLimits) -> list[tuple[KnowledgeDocument, str]]:
    """Procedures from a Word file: each "Heading 1" (or Title) starts one and is its title;
    "key: value" paragraphs under it give the front-matter fields (list items one per line,
    several "questions:" paragraphs add up); other text before the first "Heading 2" is the
    summary; each "Heading 2" names a section (its heading or key) and owns the text under it."""
    collector = _Collector()
    current: dict[str, object] | None = None
    where = ""
    section: SectionKey | None = SectionKey.SUMMARY
    texts: dict[SectionKey, list[tuple[str, str]]] = {}

    def finish() -> None:
        if current is not None:
            current.update({key.value: _joined(lines) for key, lines in texts.items()})
            collector.add(where, current)

    for number, (style, list_kind, text) in enumerate(_docx_paragraphs(data, limits), start=1):
        if style in ("Title", "Heading 1"):
            finish()
            current, where, section, texts = (
                {"title": text},
                f"đoạn {number}",
                SectionKey.SUMMARY,
                {},
            )
            continue
        if current is None or not text:
            if text and current is None:
                collector.problems.append(
                    f"đoạn {number}: nội dung trước tiêu đề thủ tục đầu tiên (Heading 1)"
                )
            continue
        if style == "Heading 2":
            section = _section_of_name(text)
            if section is None:
                collector.problems.append(f"đoạn {number}: mục không hợp lệ '{text[:80]}'")
            continue
        metadata = _METADATA_LINE.match(text) if section is SectionKey.SUMMARY else None
        if metadata and metadata.group(1) in FIELD_COLUMNS:
            name, value = metadata.groups()
            if name in LIST_COLUMNS:
                current[name] = [*current.get(name, []), *_list_cell(name, value)]  # type: ignore[misc]
            else:
                current[name] = value.strip()
        elif section is not None:
            texts.setdefault(section, []).append((list_kind, text))
    finish()
    return collector.result(
        "docx: không có thủ tục nào (mỗi thủ tục bắt đầu bằng một tiêu đề Heading 1)"
    )


def _joined(paragraphs: list[tuple[str, str]]) -> str:
    """Markdown of a section's paragraphs: a blank line between blocks, list items together,
    numbered items counted from 1 in each list."""
    out: list[str] = []
    previous, count = "", 0
    for kind, text in paragraphs:
        count = count + 1 if kind == "number" and previous == "number" else 1
        if out and not (kind and kind == previous):
            out.append("")
        out.append({"number": f"{count}. {text}", "bullet": f"- {text}"}.get(kind, text))
        previous = kind
    return "\n".join(out)
