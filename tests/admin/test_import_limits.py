"""Uploads bounded by what they inflate to, not only by their size on disk.

A 62 KB Word file held 40 MB of empty paragraphs and took the service from 350 MB to 3.47 GB;
a 300 MB comment part was inflated whole before parsing. Each such upload here is small on
disk and must be refused (413, the member and the limit named) before anything is parsed or
stored, quickly, and without the serving process growing. The figures are printed (pytest -s)
and recorded as test properties.
"""

import gc
import io
import json
import struct
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import docx
import psutil
import pytest

from knowledge.config import REPO_ROOT
from knowledge.content.archive_limits import ArchiveLimits, megabytes, read_members, rebuilt_zip
from knowledge.content.catalogue import (
    MAX_DOCX_PARAGRAPHS,
    LineCounter,
    read_catalogue_docx,
    read_catalogue_json,
)
from knowledge.documents.model import load_documents
from knowledge.platform.errors import InvalidInput, TooLarge
from tests.admin.conftest import AdminClient, table_counts
from tests.admin.test_catalogue_import import as_row
from tests.admin.test_transfer_api import upload

MB = 1_000_000
LIMITS = ArchiveLimits(member_bytes=5 * MB, total_bytes=20 * MB)
EMPTY_PARAGRAPHS = 40 * MB  # the reported file: 40 MB of <w:p/> in word/document.xml
HUGE_COMMENTS = 300 * MB  # the reported comment part
COMMENT = b'<w:comment w:id="0" w:author="a"><w:p/></w:comment>'
MAX_GROWTH = 100 * MB
MAX_SECONDS = 1.0


@dataclass
class Measured:
    seconds: float = 0.0
    rss_growth: int = 0


@contextmanager
def measured() -> Iterator[Measured]:
    """Wall time and the growth of this process's RSS (the TestClient serves in this process),
    sampled by a thread every millisecond: ru_maxrss only ever rises, so it cannot say what one
    request cost."""
    gc.collect()
    process = psutil.Process()
    before = process.memory_info().rss
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, process.memory_info().rss)
            done.wait(0.001)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    result = Measured()
    started = time.perf_counter()
    try:
        yield result
    finally:
        result.seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        result.rss_growth = max(peak, process.memory_info().rss) - before


def write_repeated(
    archive: zipfile.ZipFile, name: str, head: bytes, unit: bytes, size: int, tail: bytes
) -> None:
    """A member of about `size` bytes, written in chunks so the test never holds it whole."""
    chunk = unit * (1_000_000 // len(unit))
    with archive.open(name, "w") as member:
        member.write(head)
        for _ in range(size // len(chunk)):
            member.write(chunk)
        member.write(tail)


def word_template() -> zipfile.ZipFile:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def word_with(
    parts: dict[str, tuple[bytes, bytes, int, bytes]], extra: dict[str, bytes] | None = None
) -> bytes:
    """python-docx's blank Word file with `parts` replaced or added as (head, unit, size, tail)
    and `extra` members replacing the template's."""
    template = word_template()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in template.infolist():
            if info.filename not in parts:
                archive.writestr(
                    info.filename, (extra or {}).get(info.filename, template.read(info))
                )
        for name, (head, unit, size, tail) in parts.items():
            write_repeated(archive, name, head, unit, size, tail)
    return buffer.getvalue()


def body(document_xml: bytes) -> tuple[bytes, bytes]:
    """What comes before and after the paragraphs of a document.xml."""
    head, _, _ = document_xml.partition(b"<w:body>")
    return head + b"<w:body>", b"</w:body></w:document>"


def lie_about_size(data: bytes, name: str, declared: int) -> bytes:
    """The ZIP with `name`'s uncompressed size given as `declared` in its central directory
    and local header, its data and CRC untouched: a ZIP that lies about what it inflates to."""
    patched = bytearray(data)
    end = data.rfind(b"PK\x05\x06")
    (entries,) = struct.unpack_from("<H", data, end + 10)
    (position,) = struct.unpack_from("<I", data, end + 16)
    for _ in range(entries):
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, position + 28)
        (local,) = struct.unpack_from("<I", data, position + 42)
        if data[position + 46 : position + 46 + name_length].decode() == name:
            struct.pack_into("<I", patched, position + 24, declared)
            struct.pack_into("<I", patched, local + 22, declared)
            return bytes(patched)
        position += 46 + name_length + extra_length + comment_length
    raise AssertionError(f"{name} not in the archive")


def markdown_zip(name: str, size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        write_repeated(archive, name, b"---\nid: to\n---\n", b"x", size, b"\n")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def oversized() -> dict[str, tuple[str, str, bytes, str, str]]:
    """Each oversized upload: (API path, file name, bytes, member named, which limit: a Word
    part's or a document's, as a Markdown file is one)."""
    head, tail = body(word_template().read("word/document.xml"))
    relationships = (
        word_template()
        .read("word/_rels/document.xml.rels")
        .replace(
            b"</Relationships>",
            b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/comments" Target="comments.xml"/></Relationships>',
        )
    )
    comments_head = (
        b'<?xml version="1.0"?><w:comments '
        b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    )
    paragraphs_docx = word_with({"word/document.xml": (head, b"<w:p/>", EMPTY_PARAGRAPHS, tail)})
    comments_docx = word_with(
        {"word/comments.xml": (comments_head, COMMENT, HUGE_COMMENTS, b"</w:comments>")},
        {"word/_rels/document.xml.rels": relationships},
    )
    markdown = markdown_zip("vneid/to.md", 40 * MB)
    return {
        "docx: 40 MB of empty paragraphs": (
            "import.docx",
            "x.docx",
            paragraphs_docx,
            "word/document.xml",
            "part",
        ),
        "docx: 300 MB comment part": (
            "import.docx",
            "x.docx",
            comments_docx,
            "word/comments.xml",
            "part",
        ),
        "zip: a 40 MB document": ("import.zip", "kb.zip", markdown, "vneid/to.md", "document"),
        "zip: declares 1 KB, inflates to 40 MB": (
            "import.zip",
            "kb.zip",
            lie_about_size(markdown, "vneid/to.md", 1000),
            "vneid/to.md",
            "document",
        ),
        "docx: declares 1.5 KB, inflates to 40 MB": (
            "import.docx",
            "x.docx",
            lie_about_size(paragraphs_docx, "word/document.xml", 1548),
            "word/document.xml",
            "part",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "docx: 40 MB of empty paragraphs",
        "docx: 300 MB comment part",
        "zip: a 40 MB document",
        "zip: declares 1 KB, inflates to 40 MB",
        "docx: declares 1.5 KB, inflates to 40 MB",
    ],
)
def test_an_upload_inflating_past_the_limits_is_413_before_parsing(
    admin: AdminClient,
    oversized: dict[str, tuple[str, str, bytes, str, str]],
    case: str,
    record_property: Callable[[str, object], None],
) -> None:
    path, filename, data, member, kind = oversized[case]
    part_limit = admin.settings.admin_max_inflated_member_bytes
    limit = megabytes(
        part_limit if kind == "part" else min(part_limit, admin.settings.admin_max_document_bytes)
    )
    assert len(data) < admin.settings.admin_max_archive_bytes / 10  # small on disk
    before = table_counts(admin.settings)
    with measured() as cost:
        response = upload(admin, path, filename, data)
    record_property("seconds", round(cost.seconds, 3))
    record_property("rss_growth_mb", round(cost.rss_growth / MB, 1))
    print(
        f"\n{case}: {len(data) / 1000:.0f} KB upload refused with {response.status_code} in "
        f"{cost.seconds * 1000:.0f} ms, RSS +{cost.rss_growth / MB:.1f} MB"
    )
    assert response.status_code == 413, response.text
    message = response.json()["detail"]["message"]
    assert (
        f"“{member}”" in message and f"{limit} MB" in message and "không có gì được lưu" in message
    )
    assert table_counts(admin.settings) == before
    assert cost.seconds < MAX_SECONDS
    assert cost.rss_growth < MAX_GROWTH


def test_parts_each_within_the_limit_but_too_large_together_are_413(admin: AdminClient) -> None:
    parts = {f"word/media/part{n}.xml": (b"<a>", b"<b/>", 4 * MB, b"</a>") for n in range(6)}
    before = table_counts(admin.settings)
    response = upload(admin, "import.docx", "catalogue.docx", word_with(parts))
    assert response.status_code == 413
    assert (
        f"{megabytes(admin.settings.admin_max_inflated_bytes)} MB"
        in response.json()["detail"]["message"]
    )
    assert table_counts(admin.settings) == before


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_members_within_the_limits_are_read_whole_and_rebuilt_the_same() -> None:
    members = {"a/b.md": "chữ có dấu".encode(), "empty.txt": b"", "c.xml": b"<x/>" * 10_000}
    read = read_members(zip_of(members), LIMITS)
    assert dict(read) == members
    assert dict(read_members(rebuilt_zip(read), LIMITS)) == members
    markdown_only = read_members(
        zip_of(members), LIMITS, lambda info: info.filename.endswith(".md")
    )
    assert [name for name, _ in markdown_only] == ["a/b.md"]


def test_a_member_exactly_at_the_limit_is_accepted_one_byte_more_is_not() -> None:
    limits = ArchiveLimits(member_bytes=10_000, total_bytes=15_000)
    assert len(read_members(zip_of({"a": b"x" * 10_000}), limits)[0][1]) == 10_000
    with pytest.raises(TooLarge):
        read_members(zip_of({"a": b"x" * 10_001}), limits)
    with pytest.raises(TooLarge) as together:
        read_members(
            lie_about_size(zip_of({"a": b"x" * 10_000, "b": b"y" * 10_000}), "b", 10), limits
        )
    assert (
        "cho cả tệp" in together.value.message
        and f"{megabytes(15_000)} MB" in together.value.message
    )


def test_a_broken_or_dishonest_archive_is_422_not_500() -> None:
    honest = zip_of({"a.md": b"x" * 1000})
    declares_more = lie_about_size(honest, "a.md", 2000)  # inflates to less than it says
    crc_at = honest.find(b"PK\x01\x02") + 16  # the central directory's CRC of a.md
    bad_crc = bytearray(honest)
    bad_crc[crc_at] ^= 0xFF
    encrypted = bytearray(honest)
    encrypted[6] |= 1  # the local header's "encrypted" flag
    encrypted[honest.find(b"PK\x01\x02") + 8] |= 1  # and the central directory's
    for data in (b"", b"PK\x03\x04 not a zip", declares_more, bytes(bad_crc), bytes(encrypted)):
        with pytest.raises(InvalidInput):
            read_members(data, LIMITS)


LAUGHS = b"".join(b'<!ENTITY l%d "%s">' % (n, b"&l%d;" % (n - 1) * 10) for n in range(1, 10))


@pytest.mark.parametrize(
    "entities, used",
    [
        (b"", b"&xxe;"),  # an external entity (XXE): a file of the server's
        (b'<!ENTITY l0 "ha">' + LAUGHS, b"&xxe;&l9;"),  # and a billion "ha" (billion laughs)
    ],
    ids=["xxe", "billion-laughs"],
)
def test_word_entities_are_neither_fetched_nor_expanded(
    tmp_path: Path, entities: bytes, used: bytes
) -> None:
    """python-docx's parser resolves no entity: nothing of the file reaches a document, and
    the nested entities are refused (422) instead of filling memory."""
    secret = tmp_path / "secret.txt"
    secret.write_text("BI-MAT", encoding="utf-8")
    head, tail = body(word_template().read("word/document.xml"))
    prolog, _, root = head.partition(b"<w:document")
    doctype = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "%s">%s]>' % (
        secret.as_uri().encode(),
        entities,
    )
    paragraphs = (
        b'<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Thu tuc %s</w:t></w:r></w:p>'
        b"<w:p><w:r><w:t>id: thu-tuc %s</w:t></w:r></w:p>" % (used, used)
    )
    document = prolog + doctype + b"<w:document" + root + paragraphs + tail
    with measured() as cost, pytest.raises(InvalidInput) as refused:
        read_catalogue_docx(word_with({}, {"word/document.xml": document}), LIMITS)
    problems = " ".join(refused.value.problems)
    assert "BI-MAT" not in problems and "haha" not in problems
    assert ("(thu-tuc)" in problems) if not entities else ("XMLSyntaxError" in problems)
    assert cost.rss_growth < MAX_GROWTH


def test_line_counter_counts_each_character_once_and_gives_the_right_lines() -> None:
    text = "".join(
        f'  {{"id": "thu-tuc-{n}",\n   "title": "Thủ tục {n}"\n  }},\n' for n in range(200_000)
    )
    assert len(text) > 8_900_000

    class Watched(str):
        """The text, noting each stretch the counter reads."""

        stretches: list[tuple[int, int]] = []

        def count(self, sub: str, start: int = 0, end: int | None = None) -> int:  # type: ignore[override]
            self.stretches.append((start, len(self) if end is None else end))
            return super().count(sub, start, end)

    watched = Watched(text)
    counter = LineCounter(watched)
    positions = [0, 1, *range(37, len(text), 99_991), len(text)]
    assert [counter.line_at(p) for p in positions] == [
        text.count("\n", 0, p) + 1 for p in positions
    ]
    assert sum(end - start for start, end in Watched.stretches) == len(
        text
    )  # one pass, no re-counting
    with pytest.raises(ValueError):
        counter.line_at(10)


def test_a_nine_megabyte_json_catalogue_names_the_line_of_its_bad_procedure() -> None:
    procedures = [
        d for d in load_documents(REPO_ROOT / "kb" / "documents").documents if d.is_procedure
    ]
    rows: list[dict[str, object]] = []
    size = 0
    while size < 8_900_000:
        document = procedures[len(rows) % len(procedures)]
        rows.append({**as_row(document), "id": f"{document.id}-{len(rows)}"})
        size += len(json.dumps(rows[-1], ensure_ascii=False, indent=2))
    rows[-1]["reviewed"] = "hôm qua"
    text = json.dumps(rows, ensure_ascii=False, indent=2)
    last_starts = text.count("\n", 0, text.rindex("\n  {")) + 2
    with pytest.raises(InvalidInput) as refused:
        read_catalogue_json(text)
    assert len(text) >= 8_900_000
    assert [p for p in refused.value.problems if "reviewed" in p][0].startswith(
        f"dòng {last_starts} "
    )


def test_a_word_body_with_more_paragraphs_than_a_catalogue_has_is_413_before_parsing(
    admin: AdminClient,
) -> None:
    """Within the size limits a body can still hold hundreds of thousands of empty paragraphs,
    each an object in python-docx: counted on the raw XML first."""
    head, tail = body(word_template().read("word/document.xml"))
    size = 2 * MB  # within the 5 MB a part may inflate to; about 333,000 paragraphs
    assert size // len(b"<w:p/>") > MAX_DOCX_PARAGRAPHS
    data = word_with({"word/document.xml": (head, b"<w:p/>", size, tail)})
    before = table_counts(admin.settings)
    with measured() as cost:
        response = upload(admin, "import.docx", "catalogue.docx", data)
    assert response.status_code == 413, response.text
    assert "đoạn văn" in response.json()["detail"]["message"]
    assert table_counts(admin.settings) == before
    assert cost.rss_growth < MAX_GROWTH
