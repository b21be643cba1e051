"""Procedure documents: named sections, their rules, and section-level retrieval."""

import pytest

from knowledge.documents.model import parse_document, serialize_document
from knowledge.documents.procedures import SectionKey, asked_sections
from knowledge.documents.rules import document_problems
from knowledge.retrieval.chunks import document_units

FRONT = """---
id: tt-thu-nghiem
kind: procedure
title: Thủ tục thử nghiệm
topic: dich_vu_cong
authority: commune
online: partial
file_online_at:
  - national_portal
portal_url: https://dichvucong.gov.vn
aliases:
  - thu nghiem
questions:
  - Làm thủ tục thử nghiệm thế nào?
sources:
  - https://dichvucong.gov.vn
reviewed: 2026-12-01
---
"""
BODY = """Thủ tục thử nghiệm làm được một phần trực tuyến.

## Nộp ở đâu
Để làm thủ tục thử nghiệm, bạn nộp trên Cổng Dịch vụ công quốc gia.

## Lệ phí
Thủ tục thử nghiệm theo mức thu công bố năm 2024; bạn kiểm tra lại trên trang thủ tục.
"""


def test_a_procedure_has_its_lead_and_named_sections_and_round_trips() -> None:
    document = parse_document(FRONT + BODY)
    assert [s.key for s in document.sections] == [
        SectionKey.SUMMARY,
        SectionKey.WHERE,
        SectionKey.FEE,
    ]
    assert document.section("fee").text.startswith("Thủ tục thử nghiệm theo mức thu")  # type: ignore[union-attr]
    assert document.section("papers") is None  # left out: no sourced fact
    assert parse_document(serialize_document(document)) == document
    assert document_problems(document) == []


def test_each_section_is_its_own_retrieval_unit() -> None:
    units = document_units(parse_document(FRONT + BODY), max_words=140)
    sections = {u.section for u in units if u.section}
    assert sections == {"summary", "where", "fee"}
    assert any(u.section == "fee" and u.text.startswith("Lệ phí Thủ tục thử nghiệm") for u in units)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (BODY.replace("## Lệ phí", "## Chi phí"), "mục không hợp lệ"),
        (BODY + "\n## Nộp ở đâu\nLần nữa.\n", "một lần"),
        ("Mở đầu.\n\n## Lệ phí\nPhí.\n\n## Nộp ở đâu\nỞ đây.\n", "thứ tự"),
        ("Mở đầu.\n\n## Lệ phí\n\n## Nộp ở đâu\nỞ đây.\n", "không có nội dung"),
        ("## Nộp ở đâu\nỞ đây.\n", "đoạn mở đầu"),
    ],
)
def test_malformed_sections_are_refused_with_a_reason(body: str, problem: str) -> None:
    problems = document_problems(parse_document(FRONT + body))
    assert any(problem in p for p in problems), problems


def test_faq_documents_cannot_carry_procedure_fields_and_procedures_need_theirs() -> None:
    faq = FRONT.replace("kind: procedure\n", "")
    with pytest.raises(ValueError, match="only a procedure"):
        parse_document(faq + BODY)
    with pytest.raises(ValueError, match="a procedure needs portal_url"):
        parse_document(FRONT.replace("portal_url: https://dichvucong.gov.vn\n", "") + BODY)


@pytest.mark.parametrize(
    ("query", "section"),
    [
        ("khai sinh cần giấy tờ gì", SectionKey.PAPERS),
        ("lệ phí làm hộ chiếu", SectionKey.FEE),
        ("lam ho chieu mat bao lau", SectionKey.TIME),
        ("nop ho so tam tru o dau", SectionKey.WHERE),
        ("nhận kết quả ở đâu", SectionKey.RESULT),
        ("đăng ký kết hôn online được không", SectionKey.SUMMARY),
        ("theo doi tien do ho so", None),
        ("thủ tục phi địa giới là gì", SectionKey.SUMMARY),
    ],
)
def test_the_words_of_a_question_say_which_section_it_asks_for(
    query: str, section: SectionKey | None
) -> None:
    asked = asked_sections(query)
    assert (asked[0] if asked else None) == section


def test_unknown_is_a_value_where_the_sources_do_not_say() -> None:
    unknown = FRONT.replace("authority: commune", "authority: unknown").replace(
        "online: partial", "online: unknown"
    )
    unknown = unknown.replace("  - national_portal", "  - unknown")
    document = parse_document(unknown + BODY)
    assert (document.authority, document.online, document.file_online_at) == (
        "unknown",
        "unknown",
        ["unknown"],
    )
    assert parse_document(serialize_document(document)) == document
    with pytest.raises(ValueError, match="unknown stands alone"):
        parse_document(unknown.replace("  - unknown", "  - unknown\n  - vneid") + BODY)
