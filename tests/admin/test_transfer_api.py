"""Import and export: ZIP of Markdown files, CSV of question–answer pairs, the repository seed."""

import csv
import io
import zipfile

from tests.admin.conftest import AdminClient, document_payload, table_counts

API = "/admin/api"


def zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def upload(admin: AdminClient, path: str, name: str, data: bytes, headers: dict | None = None):  # type: ignore[no-untyped-def]
    return admin.client.post(
        f"{API}/{path}", files={"file": (name, data)}, headers=headers or admin.editor
    )


def test_seed_import_then_zip_export_gives_the_same_bytes(
    admin: AdminClient, clean_documents_dir
) -> None:  # type: ignore[no-untyped-def]
    seeded = admin.client.post(f"{API}/import-seed", headers=admin.editor)
    assert seeded.status_code == 200 and len(seeded.json()["created"]) == 4
    exported = admin.client.get(f"{API}/export.zip", headers=admin.viewer)
    assert exported.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
        names = sorted(archive.namelist())
        for name in names:
            assert archive.read(name) == (clean_documents_dir / name).read_bytes()
    assert names == sorted(
        p.relative_to(clean_documents_dir).as_posix() for p in clean_documents_dir.rglob("*.md")
    )
    again = upload(admin, "import.zip", "kb.zip", exported.content)
    assert again.json()["created"] == again.json()["updated"] == []
    assert len(again.json()["unchanged"]) == 4


def test_zip_with_one_bad_file_stores_nothing(admin: AdminClient, documents_dir) -> None:  # type: ignore[no-untyped-def]
    files = {
        p.relative_to(documents_dir).as_posix(): p.read_text(encoding="utf-8")
        for p in documents_dir.rglob("*.md")
    }
    before = table_counts(admin.settings)
    response = upload(admin, "import.zip", "kb.zip", zip_of(files))
    assert response.status_code == 422
    problems = response.json()["detail"]["problems"]
    assert any("broken-front-matter.md" in p for p in problems) and any(
        "missing-fields.md" in p for p in problems
    )
    assert table_counts(admin.settings) == before


def test_zip_edge_cases(admin: AdminClient) -> None:
    before = table_counts(admin.settings)
    assert upload(admin, "import.zip", "x.zip", b"not a zip at all").status_code == 422
    assert upload(admin, "import.zip", "x.zip", zip_of({"readme.txt": "x"})).status_code == 422
    bad_utf8 = zip_of({"vneid/a.md": "x"}).replace(b"x", b"\xff")
    assert upload(admin, "import.zip", "x.zip", bad_utf8).status_code == 422
    wrong_name = zip_of({"vneid/ten-khac.md": "---\nid: a\n---\nx"})
    assert upload(admin, "import.zip", "x.zip", wrong_name).status_code == 422
    assert table_counts(admin.settings) == before


def test_oversized_uploads_are_413(admin: AdminClient) -> None:
    before = table_counts(admin.settings)
    big = b"0" * (admin.settings.admin_max_archive_bytes + 10)
    assert upload(admin, "import.zip", "big.zip", big).status_code == 413
    text = "---\nid: to\n---\n" + "x" * (admin.settings.admin_max_document_bytes + 10)
    bomb = io.BytesIO()
    with zipfile.ZipFile(
        bomb, "w", zipfile.ZIP_DEFLATED
    ) as archive:  # tiny compressed, huge inside
        archive.writestr("vneid/to.md", text)
    assert len(bomb.getvalue()) < admin.settings.admin_max_archive_bytes
    assert upload(admin, "import.zip", "bomb.zip", bomb.getvalue()).status_code == 413
    assert table_counts(admin.settings) == before


def test_csv_round_trip_into_a_fresh_database(admin: AdminClient) -> None:
    created = admin.client.post(f"{API}/documents", json=document_payload(), headers=admin.editor)
    assert created.status_code == 201
    exported = admin.client.get(f"{API}/export.csv", headers=admin.viewer)
    lines = exported.content.decode("utf-8").splitlines()
    assert lines[0] == "id,topic,title,question,answer,sources,reviewed" and len(lines) > 2
    admin.client.delete(f"{API}/documents/tai-lieu-moi?version=1", headers=admin.editor)
    imported = upload(admin, "import.csv", "qa.csv", exported.content)
    assert imported.status_code == 200 and imported.json()["created"] == ["tai-lieu-moi"]
    document = admin.client.get(f"{API}/documents/tai-lieu-moi", headers=admin.viewer).json()
    expected = document_payload()
    assert {
        k: document[k] for k in ("title", "topic", "questions", "sources", "reviewed", "body")
    } == {k: expected[k] for k in ("title", "topic", "questions", "sources", "reviewed", "body")}


def test_malformed_csv_is_422_and_stores_nothing(admin: AdminClient) -> None:
    before = table_counts(admin.settings)
    assert upload(admin, "import.csv", "a.csv", b"a,b\n1,2\n").status_code == 422
    header = "id,topic,title,question,answer,sources,reviewed\n"
    assert (
        upload(
            admin, "import.csv", "a.csv", (header + "x,vneid,T,q,a,not-a-url,2026-01-01\n").encode()
        ).status_code
        == 422
    )
    assert upload(admin, "import.csv", "a.csv", "\xff".encode("latin-1")).status_code == 422
    assert upload(admin, "import.csv", "a.csv", header.encode()).status_code == 422
    assert table_counts(admin.settings) == before


def test_seed_import_with_a_broken_file_stores_nothing(admin: AdminClient) -> None:
    before = table_counts(admin.settings)
    response = admin.client.post(f"{API}/import-seed", headers=admin.editor)
    assert response.status_code == 422
    assert table_counts(admin.settings) == before


def test_csv_export_neutralises_formulas_and_import_restores_them(admin: AdminClient) -> None:
    """A citizen's `=HYPERLINK(…)` added as a phrasing must not run in the staff's spreadsheet."""
    formula = '=HYPERLINK("https://ke-gian.example","bấm vào")'
    payload = document_payload(
        questions=[formula, "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "câu hỏi thường"]
    )
    assert (
        admin.client.post(f"{API}/documents", json=payload, headers=admin.editor).status_code == 201
    )
    exported = admin.client.get(f"{API}/export.csv", headers=admin.viewer).content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(exported)))[1:]
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'" + formula in cells
    admin.client.delete(f"{API}/documents/tai-lieu-moi?version=1", headers=admin.editor)
    assert upload(admin, "import.csv", "qa.csv", exported.encode("utf-8")).status_code == 200
    document = admin.client.get(f"{API}/documents/tai-lieu-moi", headers=admin.viewer).json()
    assert document["questions"] == payload["questions"]  # the round trip gives the text back
