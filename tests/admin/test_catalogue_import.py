"""A procedure catalogue imported in bulk: CSV and JSON rows, Word headings, as drafts.

The rows are made from the repository's own procedure documents, so a faithful import gives
back exactly the documents they came from.
"""

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import docx
import pytest

from knowledge.config import REPO_ROOT, Settings
from knowledge.content import transfer
from knowledge.content.archive_limits import ArchiveLimits
from knowledge.content.catalogue import FIELD_COLUMNS
from knowledge.documents.model import KnowledgeDocument, load_documents
from knowledge.documents.procedures import HEADINGS, SectionKey
from tests.admin.conftest import AdminClient, table_counts
from tests.admin.test_transfer_api import upload

SECTION_COLUMNS = [key.value for key in SectionKey]
LIMITS = ArchiveLimits.from_settings(Settings())


@pytest.fixture(scope="module")
def procedures() -> list[KnowledgeDocument]:
    documents = [
        d for d in load_documents(REPO_ROOT / "kb" / "documents").documents if d.is_procedure
    ]
    assert len(documents) >= 30
    return documents


def as_row(document: KnowledgeDocument) -> dict[str, object]:
    """A catalogue row: front-matter fields and one cell per section."""
    metadata = document.model_dump(mode="json", exclude={"body", "kind"})
    row: dict[str, object] = {
        name: metadata[name] for name in FIELD_COLUMNS if metadata.get(name) is not None
    }
    row.update({section.key.value: section.text for section in document.sections})
    return row


def csv_text(rows: list[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=[*FIELD_COLUMNS, *SECTION_COLUMNS], lineterminator="\n"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "\n".join(v) if isinstance(v, list) else v for k, v in row.items()})
    return buffer.getvalue()


def word_file(documents: list[KnowledgeDocument]) -> bytes:
    """A Word catalogue as staff would type it: Heading 1 per procedure, "key: value" lines,
    the summary, Heading 2 per section, Word's own list styles for steps and bullets."""
    word = docx.Document()
    for document in documents:
        word.add_heading(document.title, level=1)
        for name, value in as_row(document).items():
            if name in SECTION_COLUMNS or name == "title":
                continue
            for item in value if isinstance(value, list) else [value]:
                word.add_paragraph(f"{name}: {item}")
        for section in document.sections:
            if section.key is not SectionKey.SUMMARY:
                word.add_heading(HEADINGS[section.key], level=2)
            for block in section.text.split("\n\n"):
                for line in block.split("\n"):
                    if numbered := re.match(r"^\d+\.\s+(.*)$", line):
                        word.add_paragraph(numbered.group(1), style="List Number")
                    elif line.startswith("- "):
                        word.add_paragraph(line[2:], style="List Bullet")
                    else:
                        word.add_paragraph(line)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def parsed(documents: list[tuple[KnowledgeDocument, str]]) -> dict[str, KnowledgeDocument]:
    return {document.id: document for document, _ in documents}


def test_csv_json_and_word_catalogues_give_back_the_procedures(
    procedures: list[KnowledgeDocument],
) -> None:
    expected = {document.id: document for document in procedures}
    rows = [as_row(d) for d in procedures]
    assert parsed(transfer.read_csv_upload(csv_text(rows))) == expected
    assert (
        parsed(
            transfer.catalogue.read_catalogue_json(json.dumps(rows, ensure_ascii=False, indent=2))
        )
        == expected
    )
    assert parsed(transfer.catalogue.read_catalogue_docx(word_file(procedures), LIMITS)) == expected


def test_section_columns_may_be_named_by_their_heading_without_diacritics(
    procedures: list[KnowledgeDocument],
) -> None:
    document = next(d for d in procedures if d.section("fee") and d.section("papers"))
    row = as_row(document)
    row["le phi"] = row.pop("fee")
    row["Giấy tờ cần có"] = row.pop("papers")
    nested = {
        k: v
        for k, v in row.items()
        if k not in SECTION_COLUMNS and k not in ("le phi", "Giấy tờ cần có")
    }
    nested["sections"] = {k: v for k, v in row.items() if k not in nested}
    assert parsed(transfer.catalogue.read_catalogue_json(json.dumps([nested]))) == {
        document.id: document
    }


def test_each_bad_row_names_its_line_and_reason(
    admin: AdminClient, procedures: list[KnowledgeDocument]
) -> None:
    good, no_fee_source, duplicate = (as_row(d) for d in procedures[:3])
    no_fee_source["authority"] = "village"
    duplicate["id"] = good["id"]
    headings_only = {**as_row(procedures[3]), "steps": "## Lệ phí\n\nbịa"}
    text = csv_text([good, no_fee_source, duplicate, headings_only])
    before = table_counts(admin.settings)
    response = upload(admin, "import.csv", "catalogue.csv", text.encode("utf-8"))
    assert response.status_code == 422, response.text
    problems = response.json()["detail"]["problems"]
    rows_at = _row_lines(text)
    assert any(
        p.startswith(f"dòng {rows_at[1]} ({no_fee_source['id']})") and "authority" in p
        for p in problems
    )
    assert any(p.startswith(f"dòng {rows_at[2]} ({good['id']})") and "trùng" in p for p in problems)
    assert any(p.startswith(f"dòng {rows_at[3]}") and "mục" in p for p in problems)
    assert table_counts(admin.settings) == before


def _row_lines(text: str) -> list[int]:
    """The line each data row of a CSV ends on, as csv.reader counts (cells hold newlines)."""
    reader = csv.reader(io.StringIO(text))
    next(reader)
    lines = []
    for _ in reader:
        lines.append(reader.line_num)
    return lines


def test_json_problems_name_the_line_of_their_procedure(
    procedures: list[KnowledgeDocument],
) -> None:
    rows = [as_row(d) for d in procedures[:2]]
    rows[1]["reviewed"] = "hôm qua"
    text = json.dumps(rows, ensure_ascii=False, indent=2)
    second_object = [m.start() for m in re.finditer(r"^  \{", text, re.MULTILINE)][1]
    second_starts = text.count("\n", 0, second_object) + 1
    with pytest.raises(transfer.InvalidInput) as refused:
        transfer.catalogue.read_catalogue_json(text)
    assert any(
        p.startswith(f"dòng {second_starts} ") and "reviewed" in p for p in refused.value.problems
    )
    with pytest.raises(transfer.InvalidInput) as broken:
        transfer.catalogue.read_catalogue_json('[\n  {"id": "a",\n   "title": }\n]')
    assert broken.value.problems[0].startswith("dòng 3: JSON sai cú pháp")
    for text in ("{}", "[1]", "[", "", "[" * 100_000 + "]" * 100_000, '[{"id": "a"}] trailing'):
        with pytest.raises(transfer.InvalidInput):
            transfer.catalogue.read_catalogue_json(text)


def test_word_problems_name_their_paragraph() -> None:
    word = docx.Document()
    word.add_paragraph("chữ trước tiêu đề")
    word.add_heading("Thủ tục thử", level=1)
    word.add_paragraph("id: thu-tuc-thu")
    word.add_heading("Mục bịa", level=2)
    buffer = io.BytesIO()
    word.save(buffer)
    with pytest.raises(transfer.InvalidInput) as refused:
        transfer.catalogue.read_catalogue_docx(buffer.getvalue(), LIMITS)
    problems = refused.value.problems
    assert problems[0].startswith("đoạn 1:") and any(
        p.startswith("đoạn 4:") and "Mục bịa" in p for p in problems
    )
    broken_xml = io.BytesIO()
    with zipfile.ZipFile(broken_xml, "w") as archive:  # a ZIP whose parts are not XML
        archive.writestr("[Content_Types].xml", "<bad")
    for data in (b"PK\x03\x04 not really a zip", b"", broken_xml.getvalue()):
        with pytest.raises(transfer.InvalidInput):
            transfer.catalogue.read_catalogue_docx(data, LIMITS)


def test_catalogue_imports_are_drafts_until_published(
    admin: AdminClient, procedures: list[KnowledgeDocument]
) -> None:
    document = procedures[0]
    response = upload(admin, "import.docx", "catalogue.docx", word_file([document]))
    assert response.status_code == 200, response.text
    assert response.json()["created"] == [document.id]
    listed = admin.client.get(f"/admin/api/documents/{document.id}", headers=admin.viewer).json()
    assert listed["status"] == "draft" and listed["published_version"] is None
    again = upload(
        admin, "import.json", "catalogue.json", json.dumps([as_row(document)]).encode("utf-8")
    )
    assert again.json()["unchanged"] == [document.id]


@pytest.mark.parametrize(
    "path, name",
    [("import.csv", "big.csv"), ("import.json", "big.json"), ("import.docx", "big.docx")],
)
def test_a_ten_megabyte_catalogue_is_413(admin: AdminClient, path: str, name: str) -> None:
    before = table_counts(admin.settings)
    response = upload(admin, path, name, b"0" * (10 * 1024 * 1024))
    assert response.status_code == 413
    assert table_counts(admin.settings) == before


def test_kb_import_reads_a_catalogue_file(
    tmp_path: Path, procedures: list[KnowledgeDocument], settings
) -> None:  # type: ignore[no-untyped-def]
    catalogue_file = tmp_path / "danh-muc.json"
    catalogue_file.write_text(
        json.dumps([as_row(d) for d in procedures[:2]], ensure_ascii=False), encoding="utf-8"
    )
    assert parsed(transfer.read_path(catalogue_file, settings)) == {d.id: d for d in procedures[:2]}
