from pathlib import Path

import pytest

from knowledge.config import REPO_ROOT
from knowledge.documents.model import Topic, lead_sentence, load_documents, parse_document


def test_fixture_loads_valid_documents_and_reports_each_broken_file(documents_dir: Path) -> None:
    result = load_documents(documents_dir)
    assert {d.id for d in result.documents} == {
        "test-quen-mat-khau",
        "test-khong-nhan-otp",
        "test-chu-ky-so-la-gi",
        "test-nop-ho-so",
    }
    reasons = {e.path.name: e.reason for e in result.errors}
    assert "not valid YAML" in reasons["broken-front-matter.md"]
    assert "topic" in reasons["missing-fields.md"]
    assert "sources" in reasons["missing-fields.md"]
    assert "reviewed" in reasons["missing-fields.md"]


def test_id_must_match_file_name(documents_dir: Path) -> None:
    path = documents_dir / "vneid" / "test-quen-mat-khau.md"
    path.rename(path.with_name("other-name.md"))
    result = load_documents(documents_dir)
    assert any("does not match the file name" in e.reason for e in result.errors)


def test_duplicate_id_is_reported_once(documents_dir: Path) -> None:
    source = documents_dir / "vneid" / "test-quen-mat-khau.md"
    copy_dir = documents_dir / "copy"
    copy_dir.mkdir()
    (copy_dir / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    result = load_documents(documents_dir)
    assert [e.reason for e in result.errors if "duplicate id" in e.reason]
    assert sum(d.id == "test-quen-mat-khau" for d in result.documents) == 1


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("no front matter at all", "missing YAML front matter"),
        ("---\n- just\n- a list\n---\nbody", "unexpected shape"),
        (
            "---\nid: x\ntitle: t\ntopic: vneid\nquestions: [a]\nsources: [not-a-url]\nreviewed: 2026-01-01\n---\nbody",
            "sources.0",
        ),
        (
            "---\nid: x\ntitle: t\ntopic: vneid\nquestions: [a]\nsources: ['https://a.vn']\n"
            "reviewed: 2026-01-01\n---\n   ",
            "body",
        ),
    ],
)
def test_parse_document_explains_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_document(text)


def test_lead_sentence_is_first_sentence_of_first_paragraph() -> None:
    assert lead_sentence("Câu một. Câu hai.\n\n1. Bước") == "Câu một."


def test_repository_knowledge_base_is_valid_and_covers_every_topic() -> None:
    result = load_documents(REPO_ROOT / "kb" / "documents")
    assert result.errors == []
    assert len(result.documents) >= 15
    assert {d.topic for d in result.documents} == set(Topic)
