"""The admin web page: login, list, edit with preview, save, publish, history and rollback,
unanswered queue, reports and import — as a staff member's browser would use it."""

import io
import re
import zipfile

from knowledge.config import REPO_ROOT
from knowledge.documents.model import parse_document
from tests.admin.conftest import VIEWER_PASSWORD, AdminClient, login_form_token, page_login


def form_of(admin: AdminClient, document_id: str) -> dict[str, str]:
    page = admin.client.get(f"/admin/documents/{document_id}").text
    fields = dict(
        re.findall(
            r'<input type="(?:text|date|hidden)" [^>]*name="(\w+)"[^>]*value="([^"]*)"', page
        )
    )
    fields.update(re.findall(r'<textarea[^>]*name="(\w+)"[^>]*>([^<]*)</textarea>', page))
    fields["topic"] = re.search(r'<option value="(\w+)" selected>', page).group(1)  # type: ignore[union-attr]
    fields["version"] = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    return {
        k: v.replace("&#34;", '"')
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        for k, v in fields.items()
    }


def test_pages_need_a_login(admin: AdminClient) -> None:
    for path in (
        "/admin",
        "/admin/documents",
        "/admin/unanswered",
        "/admin/reports",
        "/admin/transfer",
        "/admin/try",
    ):
        response = admin.client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] in ("/admin/login", "/admin/documents")
    login = admin.client.get("/admin/login")
    assert "Đăng nhập" in login.text and 'lang="vi"' in login.text
    script = admin.client.get("/admin/static/inbox.js")  # served from beside the inbox's template
    assert script.status_code == 200 and "/admin/api/handoffs" in script.text
    wrong = admin.client.post(
        "/admin/login",
        data={
            "username": "bien-tap",
            "password": "sai",
            "login_token": login_form_token(admin.client),
        },
    )
    assert wrong.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in wrong.text


def test_editor_seeds_edits_previews_saves_and_publishes(
    admin: AdminClient, clean_documents_dir
) -> None:  # type: ignore[no-untyped-def]
    csrf = page_login(admin.client)
    listing = admin.client.get("/admin/documents").text
    assert "Nạp tài liệu từ kho" in listing
    assert "Đã nạp và xuất bản" in admin.client.post("/admin/seed", data={"csrf": csrf}).text
    form = form_of(admin, "test-nop-ho-so")
    new_body = "Nộp hồ sơ tại **dichvucong.gov.vn**.\n\n<script>alert(1)</script>"
    preview = admin.client.post(
        "/admin/documents/test-nop-ho-so",
        data={**form, "body": new_body, "intent": "preview", "csrf": csrf},
    )
    assert (
        "<strong>dichvucong.gov.vn</strong>" in preview.text
        and "<script>alert(1)</script>" not in preview.text
    )
    refused = admin.client.post(
        "/admin/documents/test-nop-ho-so",
        data={**form, "body": new_body, "intent": "save", "csrf": csrf},
    )
    assert refused.status_code == 422 and "không được chứa mã HTML" in refused.text
    good_body = "Nộp hồ sơ tại **dichvucong.gov.vn**, rồi theo dõi bằng mã hồ sơ."
    saved = admin.client.post(
        "/admin/documents/test-nop-ho-so",
        data={**form, "body": good_body, "intent": "save", "csrf": csrf},
    )
    assert saved.status_code == 200 and "Đã lưu bản nháp" in saved.text
    stale = admin.client.post(
        "/admin/documents/test-nop-ho-so",
        data={**form, "body": "Bản cũ.", "intent": "save", "csrf": csrf},
    )
    assert stale.status_code == 409 and "đã được người khác sửa" in stale.text
    assert "Đã xuất bản" in admin.client.post("/admin/publish", data={"csrf": csrf}).text
    assert admin.client.get("/documents/test-nop-ho-so").json()["answer"] == good_body
    history = admin.client.get("/admin/documents/test-nop-ho-so/history").text
    assert "-Bạn nộp hồ sơ" in history or "Khôi phục bản này" in history
    rolled = admin.client.post(
        "/admin/documents/test-nop-ho-so/rollback",
        data={"csrf": csrf, "version": 2, "to_version": 1},
    )
    assert "Đã khôi phục" in rolled.text


def test_writes_need_the_form_token_and_the_editor_role(
    admin: AdminClient, clean_documents_dir
) -> None:  # type: ignore[no-untyped-def]
    csrf = page_login(admin.client)
    forged = admin.client.post("/admin/publish", data={"csrf": "forged"})
    assert forged.status_code == 403
    assert forged.headers["content-type"].startswith("text/html") and 'role="alert"' in forged.text
    admin.client.cookies.clear()
    viewer_csrf = page_login(admin.client, "chi-xem", VIEWER_PASSWORD)
    assert viewer_csrf != csrf
    refused = admin.client.post("/admin/publish", data={"csrf": viewer_csrf})
    assert (
        refused.status_code == 403 and "Về danh sách tài liệu" in refused.text
    )  # a page, not JSON
    assert "Lưu bản nháp" not in admin.client.get("/admin/documents/new").text


def test_new_document_from_a_group_of_unanswered_questions(admin: AdminClient) -> None:
    csrf = page_login(admin.client)
    ids = [
        admin.client.post(
            "/unanswered", json={"conversation_id": "c", "question": q, "reason": "fallback"}
        ).json()["id"]
        for q in ("làm hộ chiếu online ở đâu", "lam ho chieu online o dau")
    ]
    queue = admin.client.get("/admin/unanswered").text
    assert "2 × " in queue and "Tạo tài liệu mới" in queue
    new = admin.client.get(f"/admin/documents/new?questions={ids[0]},{ids[1]}").text
    assert "làm hộ chiếu online ở đâu\nlam ho chieu online o dau" in new
    created = admin.client.post(
        "/admin/documents/new",
        data={
            "id": "ho-chieu-truc-tuyen",
            "title": "Làm hộ chiếu trực tuyến",
            "topic": "dich_vu_cong",
            "reviewed": "2026-11-01",
            "questions": "làm hộ chiếu online ở đâu\nlam ho chieu online o dau",
            "sources": "https://dichvucong.gov.vn",
            "body": "Nộp hồ sơ trên Cổng dịch vụ công.",
            "intent": "save",
            "csrf": csrf,
            "version": "0",
        },
    )
    assert "Đã tạo tài liệu" in created.text
    resolved = admin.client.post(
        "/admin/unanswered/resolve", data={"csrf": csrf, "ids": f"{ids[0]},{ids[1]}"}
    )
    assert "Không có câu hỏi nào đang chờ" in resolved.text


def test_reports_and_import_pages(admin: AdminClient) -> None:
    csrf = page_login(admin.client)
    admin.client.post(
        "/feedback",
        json={"conversation_id": "c", "document_id": "test-nop-ho-so", "helpful": False},
    )
    reports = admin.client.get("/admin/reports").text
    assert "Nộp hồ sơ dịch vụ công trực tuyến" in reports and "Nhật ký thao tác" in reports
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(
            "vneid/test-quen-mat-khau.md",
            (admin.settings.documents_dir / "vneid" / "test-quen-mat-khau.md").read_text(
                encoding="utf-8"
            ),
        )
    imported = admin.client.post(
        "/admin/transfer/import",
        data={"csrf": csrf},
        files={"file": ("kb.zip", archive.getvalue())},
    )
    assert "Tạo mới: 1" in imported.text
    broken = admin.client.post(
        "/admin/transfer/import", data={"csrf": csrf}, files={"file": ("kb.zip", b"not a zip")}
    )
    assert broken.status_code == 422 and "không có gì được lưu" in broken.text
    assert (
        admin.client.get("/admin/api/export.zip").status_code == 200
    )  # the page's download links use the cookie
    assert (
        "Kết quả"
        in admin.client.post("/admin/try", data={"q": "quên mật khẩu vneid", "csrf": csrf}).text
    )


def test_a_procedure_saved_from_the_page_keeps_its_procedure_fields_and_the_apis_limits(
    admin: AdminClient,
) -> None:
    """The page saves through the same schema and service as the JSON API: a procedure stays a
    procedure (its code, level, channels, page and aliases included), and the API's limits hold."""
    source = parse_document(
        (REPO_ROOT / "kb" / "documents" / "dich_vu_cong" / "tt-cap-ho-chieu.md").read_text()
    )
    csrf = page_login(admin.client)
    form = {
        "csrf": csrf,
        "intent": "save",
        "version": "0",
        "id": "thu-tuc-tu-trang",
        "title": source.title,
        "topic": source.topic.value,
        "reviewed": source.reviewed.isoformat(),
        "questions": "\n".join(source.questions),
        "sources": "\n".join(str(s) for s in source.sources),
        "body": source.body,
        "kind": "procedure",
        "procedure_code": "1.234567",
        "authority": "province",
        "online": "partial",
        "file_online_at": "national_portal\nvneid",
        "portal_url": "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html",
        "aliases": "thủ tục từ trang\nthu tuc tu trang",
    }
    saved = admin.client.post("/admin/documents/new", data=form)
    assert saved.status_code == 200 and "Đã tạo" in saved.text, saved.text[-600:]
    stored = admin.client.get("/admin/api/documents/thu-tuc-tu-trang", headers=admin.editor).json()
    assert stored["kind"] == "procedure" and stored["procedure_code"] == "1.234567"
    assert (stored["authority"], stored["online"]) == ("province", "partial")
    assert stored["file_online_at"] == ["national_portal", "vneid"] and stored["aliases"] == [
        "thủ tục từ trang",
        "thu tuc tu trang",
    ]
    edited = admin.client.post(
        "/admin/documents/thu-tuc-tu-trang", data={**form, "version": "1", "online": "full"}
    )
    assert edited.status_code == 200
    again = admin.client.get("/admin/api/documents/thu-tuc-tu-trang", headers=admin.editor).json()
    assert (
        again["kind"] == "procedure"
        and again["online"] == "full"
        and again["procedure_code"] == "1.234567"
    )
    too_long = admin.client.post(
        "/admin/documents/new", data={**form, "id": "thu-tuc-dai", "procedure_code": "9" * 33}
    )
    assert (
        too_long.status_code == 422 and "procedure_code" in too_long.text
    )  # the API's limit, on the page too


def test_adding_wording_from_the_queue_checks_the_version_the_page_showed(
    admin: AdminClient, clean_documents_dir
) -> None:  # type: ignore[no-untyped-def]
    csrf = page_login(admin.client)
    admin.client.post("/admin/seed", data={"csrf": csrf})
    ids = [
        admin.client.post(
            "/unanswered", json={"conversation_id": "c", "question": q, "reason": "fallback"}
        ).json()["id"]
        for q in ("quen pass vneid lam the nao", "mất pass vneid thì sao")
    ]
    queue = admin.client.get("/admin/unanswered").text
    [target] = re.findall(r'<option value="(test-quen-mat-khau@\d+)"', queue)[:1]
    form = form_of(admin, "test-quen-mat-khau")
    saved = admin.client.post(
        "/admin/documents/test-quen-mat-khau",  # someone edits it meanwhile
        data={**form, "body": form["body"] + "\n\nĐã rà soát.", "intent": "save", "csrf": csrf},
    )
    assert saved.status_code == 200
    stale = admin.client.post(
        "/admin/unanswered/add", data={"csrf": csrf, "ids": f"{ids[0]},{ids[1]}", "target": target}
    )
    assert stale.status_code == 409
    fresh = re.findall(
        r'<option value="(test-quen-mat-khau@\d+)"', admin.client.get("/admin/unanswered").text
    )[0]
    assert fresh != target
    added = admin.client.post(
        "/admin/unanswered/add", data={"csrf": csrf, "ids": f"{ids[0]},{ids[1]}", "target": fresh}
    )
    assert added.status_code == 200
    questions = admin.client.get(
        "/admin/api/documents/test-quen-mat-khau", headers=admin.editor
    ).json()["questions"]
    assert "quen pass vneid lam the nao" in questions and "mất pass vneid thì sao" in questions
