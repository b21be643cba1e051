"""The staff dashboard: turn statuses recorded by the chat server (POST /turns), the figures
per Vietnam day, handoff times, the page's SVG charts, the CSV export and the JSON API."""

import csv
import datetime as dt
import io
from collections.abc import Iterator

import pytest

from knowledge.api.dashboard_charts import COLORS
from knowledge.api.pages import TEMPLATES
from knowledge.config import Settings
from knowledge.platform.database import Database
from knowledge.platform.errors import InvalidInput
from knowledge.platform.messages import DASHBOARD_CSV_COLUMNS
from knowledge.platform.models import Feedback, Handoff, TurnRecord, UnansweredQuestion, utc_now
from knowledge.records import turn_log
from knowledge.records.dashboard import (
    Dashboard,
    DayFigures,
    Period,
    build_dashboard,
    percentile,
    period_of,
    shares,
)
from knowledge.retrieval.embedding import Embedder
from shared.contract import FROM_A_DOCUMENT, status_of, turn_payload
from tests.admin.conftest import EDITOR_PASSWORD, VIEWER_PASSWORD, AdminClient, sql
from tests.admin.test_admin_page import page_login

UTC = dt.UTC
# 00:00 on 02/12/2026 in Vietnam: a minute before is still the 1st there.
VIETNAM_MIDNIGHT = dt.datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
DEC_1, DEC_2 = dt.date(2026, 12, 1), dt.date(2026, 12, 2)
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database.open(settings)
    yield database
    database.dispose()


def store(db: Database, *rows: object) -> None:
    with db.write() as session:
        session.add_all(rows)


def turn(
    at: dt.datetime, status: str = "answered", conversation: str = "c1", document: str | None = None
) -> TurnRecord:
    return TurnRecord(
        created_at=at, conversation_id=conversation, status=status, document_id=document
    )


def handoff(
    created: dt.datetime,
    waited: int | None = None,
    handled: int | None = None,
    status: str = "claimed",
    helpful: bool | None = None,
) -> Handoff:
    claimed = created + dt.timedelta(seconds=waited) if waited is not None else None
    closed = claimed + dt.timedelta(seconds=handled) if claimed and handled is not None else None
    return Handoff(
        created_at=created,
        conversation_id="h",
        reason="requested",
        transcript="[]",
        status=status,
        live=True,
        claimed_at=claimed,
        closed_at=closed,
        helpful=helpful,
    )


def figures(
    db: Database,
    embedder: Embedder,
    start: dt.date = DEC_1,
    end: dt.date = DEC_2,
    titles: dict[str, str] | None = None,
) -> Dashboard:
    with db.write() as session:
        return build_dashboard(session, Period(start, end), embedder, 0.7, titles or {})


def shares_of(day: DayFigures) -> dict[str, tuple[int, float]]:
    return {s.status: (s.count, s.share) for s in day.statuses}


# --- the figures ---------------------------------------------------------------------------


def test_a_vietnam_day_ends_at_17_utc(db: Database, embedder: Embedder) -> None:
    store(
        db,
        turn(VIETNAM_MIDNIGHT - MINUTE, conversation="late"),
        turn(VIETNAM_MIDNIGHT + MINUTE, conversation="late"),
        turn(VIETNAM_MIDNIGHT + 2 * MINUTE, "not_found", conversation="early"),
        turn(VIETNAM_MIDNIGHT - dt.timedelta(days=1) - MINUTE, conversation="before"),
    )  # 30/11 23:59
    result = figures(db, embedder)
    first, second = result.days
    assert (first.day, first.turns, first.conversations) == (DEC_1, 1, 1)
    assert (second.day, second.turns, second.conversations) == (DEC_2, 2, 2)
    assert (
        result.turns == 3 and result.conversations == 2
    )  # "late" spans midnight: once over the period
    assert shares_of(second)["not_found"] == (1, 50.0)


def test_shares_add_up_to_100_with_other_statuses_as_other(
    db: Database, embedder: Embedder
) -> None:
    at = VIETNAM_MIDNIGHT + dt.timedelta(hours=3)
    store(
        db,
        turn(at, "answered"),
        turn(at, "clarified"),
        turn(at, "smalltalk"),
        turn(at, "form"),
        turn(at, "handed_over"),
        turn(at, "warning"),
        turn(at, "feedback_saved"),
        turn(at, "rejected"),
    )
    day = figures(db, embedder).days[1]
    assert [s.status for s in day.statuses] == [
        "answered",
        "no_verified_content",
        "not_found",
        "clarified",
        "out_of_scope",
        "unavailable",
        "handed_over",
        "warning",
        "other",
    ]
    assert shares_of(day)["other"][0] == 4
    assert sum(s.share for s in day.statuses) == pytest.approx(100.0)
    assert sum(s.share for s in figures(db, embedder).days[0].statuses) == 0  # a day without turns


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([1, 1, 1], [33.4, 33.3, 33.3]),
        ([2, 1], [66.7, 33.3]),
        ([1, 0, 0], [100.0, 0.0, 0.0]),
        ([0, 0], [0.0, 0.0]),
        ([1, 1, 1, 1, 1, 1, 5], None),
    ],
)
def test_shares_are_one_decimal_and_add_up_to_exactly_100(
    counts: list[int], expected: list[float] | None
) -> None:
    result = shares(counts)
    if expected is not None:
        assert result == expected
    assert round(sum(result) * 10) in (0, 1000)


def test_an_empty_database_gives_zeros(db: Database, embedder: Embedder) -> None:
    result = figures(db, embedder)
    assert (
        result.conversations,
        result.turns,
        result.top_documents,
        result.feedback,
        result.unanswered,
    ) == (0, 0, [], [], [])
    assert all(day.turns == day.conversations == 0 for day in result.days)
    assert all(s.count == 0 and s.share == 0 for day in result.days for s in day.statuses)
    h = result.handoffs
    assert (h.requests, h.claimed, h.abandoned, h.rated) == (0, 0, 0, 0)
    assert (
        h.median_wait_seconds,
        h.p90_wait_seconds,
        h.median_handling_seconds,
        h.helpful_share,
    ) == (None,) * 4


def test_handoff_waiting_and_handling_times(db: Database, embedder: Embedder) -> None:
    at = VIETNAM_MIDNIGHT + dt.timedelta(hours=2)
    store(
        db,
        handoff(at, 60, 300, "closed", helpful=True),
        handoff(at, 120, 900, "closed", helpful=False),
        handoff(at, 600, None, "claimed", helpful=True),
        handoff(at, None, None, "waiting"),
        handoff(at, None, None, "abandoned"),
        handoff(at - dt.timedelta(days=3), 5, 5, "closed"),
    )  # before the period
    h = figures(db, embedder).handoffs
    assert (h.requests, h.claimed, h.abandoned, h.rated) == (5, 3, 1, 3)
    assert h.median_wait_seconds == 120
    assert h.p90_wait_seconds == pytest.approx(504)  # 120 + 0.8 × (600 − 120)
    assert h.median_handling_seconds == 600  # of 300 and 900
    assert h.helpful_share == pytest.approx(66.7)


def test_percentile_interpolates_like_numpy() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([1, 2, 3, 4], 0.5) == 2.5


def test_top_documents_feedback_and_unanswered_within_the_period(
    db: Database, embedder: Embedder
) -> None:
    inside, outside = (
        VIETNAM_MIDNIGHT + dt.timedelta(hours=1),
        VIETNAM_MIDNIGHT - dt.timedelta(days=5),
    )
    store(
        db,
        *(turn(inside, document="doc-a") for _ in range(3)),
        turn(inside, document="doc-b"),
        turn(inside, "clarified", document="doc-c"),
        turn(inside, "no_verified_content", document="doc-c"),
        turn(outside, document="doc-b"),
        turn(outside, document="doc-b"),
        Feedback(created_at=inside, conversation_id="c", document_id="doc-a", helpful=True),
        Feedback(created_at=inside, conversation_id="c", document_id="doc-b", helpful=False),
        Feedback(created_at=outside, conversation_id="c", document_id="doc-b", helpful=False),
        *(
            UnansweredQuestion(
                created_at=at,
                conversation_id="c",
                question="làm căn cước cho trẻ em ở đâu",
                reason="fallback",
            )
            for at in (inside, inside, outside)
        ),
    )
    result = figures(db, embedder, titles={"doc-a": "Tài liệu A"})
    assert [(d.document_id, d.title, d.answers) for d in result.top_documents] == [
        ("doc-a", "Tài liệu A", 3),
        ("doc-b", "", 1),
    ]
    assert [(f.document_id, f.helpful, f.not_helpful) for f in result.feedback] == [
        ("doc-b", 0, 1),
        ("doc-a", 1, 0),
    ]
    assert [(g.count, g.representative) for g in result.unanswered] == [
        (2, "làm căn cước cho trẻ em ở đâu")
    ]


def test_the_period_defaults_to_14_vietnam_days_and_refuses_bad_dates() -> None:
    assert period_of(None, None, today=DEC_2) == Period(dt.date(2026, 11, 19), DEC_2)
    assert period_of("", "2026-12-01", today=DEC_2) == Period(dt.date(2026, 11, 18), DEC_1)
    assert period_of("01/12/2026", " 2026-12-02 ", today=DEC_2) == Period(DEC_1, DEC_2)
    assert len(period_of("2026-01-01", "2026-12-31").days) == 365
    for start, end in [
        ("2026-02-30", None),
        ("hôm qua", None),
        ("0001-01-01", "2026-01-01"),
        ("2026-12-02", "2026-12-01"),
        ("2025-01-01", "2026-12-31"),
        ("x" * 5000, None),
    ]:
        with pytest.raises(InvalidInput) as refused:
            period_of(start, end, today=DEC_2)
        assert any(
            word in refused.value.message
            for word in ("không hợp lệ", "năm 2000", "phải trùng", "tối đa")
        )


def test_turn_times_a_day_ahead_or_older_than_retention_are_refused() -> None:
    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    fine = [
        turn_log.Turn("c", "answered", None, now + dt.timedelta(hours=23)),
        turn_log.Turn("c", "answered", None, now - dt.timedelta(days=29)),
    ]
    turn_log.check_times(fine, retention_days=30, now=now)
    ahead = turn_log.Turn("c", "answered", None, now + dt.timedelta(hours=25))
    old = turn_log.Turn("c", "answered", None, now - dt.timedelta(days=31))
    with pytest.raises(InvalidInput) as refused:
        turn_log.check_times([*fine, ahead, old], retention_days=30, now=now)
    assert [p.split(" ")[0] for p in refused.value.problems] == ["turns[2].at", "turns[3].at"]
    assert "quá 1 ngày" in refused.value.problems[0] and "giờ Việt Nam" in refused.value.problems[1]
    turn_log.check_times([old], retention_days=None, now=now)  # no retention: kept
    with pytest.raises(InvalidInput):
        turn_log.check_times(
            [turn_log.Turn("c", "answered", None, dt.datetime(1999, 1, 1, tzinfo=UTC))], None, now
        )


def test_staff_read_vietnam_time() -> None:
    assert TEMPLATES.env.filters["vn_time"](VIETNAM_MIDNIGHT + MINUTE) == "02/12/2026 00:01"
    assert (
        TEMPLATES.env.filters["vn_time"](VIETNAM_MIDNIGHT - MINUTE, seconds=True)
        == "01/12/2026 23:59:00"
    )


# --- POST /turns ---------------------------------------------------------------------------


def batch(
    *statuses: str, conversation: str = "c1", at: dt.datetime | None = None
) -> dict[str, object]:
    moment = (at or utc_now()).isoformat()
    return {
        "turns": [
            {
                "conversation_id": conversation,
                "status": s,
                "document_id": "test-nop-ho-so" if s in FROM_A_DOCUMENT else None,
                "at": moment,
            }
            for s in statuses
        ]
    }


def stored_turns(admin: AdminClient) -> int:
    return sql(admin.settings, "SELECT COUNT(*) FROM turns")[0][0]


def test_turns_need_the_records_token(admin: AdminClient) -> None:
    for token in ("", "sai-ma"):
        response = admin.client.post(
            "/turns", json=batch("answered"), headers={"X-Records-Token": token}
        )
        assert (
            response.status_code == 401
            and "máy chủ hành động" in response.json()["detail"]["message"]
        )
    assert stored_turns(admin) == 0


def test_a_batch_is_stored_and_counted_on_the_dashboard(admin: AdminClient) -> None:
    response = admin.client.post("/turns", json=batch("answered", "clarified", "smalltalk"))
    assert response.status_code == 201 and response.json() == {"stored": 3}
    body = admin.client.get("/admin/api/dashboard", headers=admin.viewer).json()
    today = body["days"][-1]
    assert len(body["days"]) == 14 and today["turns"] == 3 and today["conversations"] == 1
    assert {s["status"]: s["count"] for s in today["statuses"]} == {
        "answered": 1,
        "no_verified_content": 0,
        "not_found": 0,
        "clarified": 1,
        "out_of_scope": 0,
        "unavailable": 0,
        "handed_over": 0,
        "warning": 0,
        "other": 1,
    }
    assert body["top_documents"][0] == {
        "document_id": "test-nop-ho-so",
        "title": body["top_documents"][0]["title"],
        "answers": 1,
    }
    assert body["top_documents"][0]["title"]  # from the served index
    assert admin.client.get("/admin/api/dashboard").status_code == 401


def test_a_reply_without_verified_content_is_counted_apart_from_answered(
    admin: AdminClient,
) -> None:
    """The bot's "chưa có thông tin đã được kiểm chứng" reply cites its procedure and is drawn
    like an answer, yet the dashboard counts it on its own row and colour, not as answered,
    and not as a use of the document to answer (issue 27)."""
    source = {
        "id": "test-nop-ho-so",
        "title": "Nộp hồ sơ",
        "topic": "dich_vu_cong",
        "url": "https://x.vn",
        "reviewed": "2026-11-23",
    }
    said = [
        turn_payload("answered", topic="dich_vu_cong", sources=[source], confidence=0.9),
        turn_payload("no_verified_content", topic="dich_vu_cong", sources=[source], confidence=0.9),
    ]
    assert [payload["type"] for payload in said] == [
        "answer",
        "answer",
    ]  # the widget draws both alike
    turns = batch(
        *(status_of(payload) or "" for payload in said)
    )  # what the chat server's broker sends
    assert admin.client.post("/turns", json=turns).status_code == 201

    body = admin.client.get("/admin/api/dashboard", headers=admin.viewer).json()
    counts = {s["status"]: (s["count"], s["share"]) for s in body["statuses"]}
    assert counts["answered"] == (1, 50.0) and counts["no_verified_content"] == (1, 50.0)
    assert body["top_documents"][0]["answers"] == 1

    page_login(admin.client)
    page = admin.client.get("/admin/dashboard").text
    assert (
        f'fill="{COLORS["no_verified_content"]}"/></svg> Chưa có thông tin kiểm chứng</li>' in page
    )  # legend
    assert COLORS["no_verified_content"] != COLORS["answered"]
    assert (
        "Chưa có thông tin kiểm chứng 1 lượt (50,0 %)" in page and "Trả lời 1 lượt (50,0 %)" in page
    )
    rows = list(csv.reader(io.StringIO(admin.client.get("/admin/dashboard.csv").text)))
    assert ["Cả khoảng", "", "", "", "Chưa có thông tin kiểm chứng (lượt)", "1"] in rows
    assert ["Cả khoảng", "", "", "", "Trả lời (lượt)", "1"] in rows


@pytest.mark.parametrize(
    "payload",
    [
        batch("thinking"),
        batch("answer"),  # the widget's type, not a status
        {"turns": []},
        batch(*["answered"] * 201),
        {
            "turns": [{"conversation_id": "c", "status": "answered", "at": "2026-12-01T16:59:00"}]
        },  # no offset
        {
            "turns": [
                {
                    "conversation_id": "c",
                    "status": "answered",
                    "document_id": "../etc",
                    "at": "2026-12-01T16:59:00Z",
                }
            ]
        },
        {"turns": [{"conversation_id": "", "status": "answered", "at": "2026-12-01T16:59:00Z"}]},
        {
            "turns": [
                {
                    "conversation_id": "c",
                    "status": "answered",
                    "at": "2026-12-01T16:59:00Z",
                    "text": "x",
                }
            ]
        },
        batch("answered", at=utc_now() + dt.timedelta(days=2)),
        batch("answered", at=dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=14)))),
    ],
)
def test_bad_batches_are_422_and_store_nothing(
    admin: AdminClient, payload: dict[str, object]
) -> None:
    assert admin.client.post("/turns", json=payload).status_code == 422
    assert stored_turns(admin) == 0


def test_an_impossible_time_is_refused_with_a_reason(admin: AdminClient) -> None:
    payload = batch("answered", "not_found")
    payload["turns"][1]["at"] = (utc_now() + dt.timedelta(days=3)).isoformat()  # type: ignore[index]
    detail = admin.client.post("/turns", json=payload).json()["detail"]
    assert "Không lưu lượt nào" in detail["message"]
    assert detail["problems"][0].startswith("turns[1].at") and "quá 1 ngày" in detail["problems"][0]


def test_a_batch_counts_once_against_the_limit_not_per_conversation(admin: AdminClient) -> None:
    per_conversation = admin.settings.records_per_conversation
    for _ in range(per_conversation + 2):  # more than one conversation may leave records a minute
        assert admin.client.post("/turns", json=batch("answered", "answered")).status_code == 201
    assert stored_turns(admin) == 2 * (per_conversation + 2)


# --- the page, the CSV and the API ---------------------------------------------------------


def test_the_page_draws_svg_charts_for_editors_and_viewers(admin: AdminClient) -> None:
    admin.client.post(
        "/turns",
        json=batch(
            "answered",
            "answered",
            "not_found",
            "handed_over",
            "warning",
            "clarified",
            "no_verified_content",
        ),
    )
    admin.client.post(
        "/feedback",
        json={"conversation_id": "c1", "document_id": "test-nop-ho-so", "helpful": False},
    )
    assert (
        admin.client.get("/admin/dashboard", follow_redirects=False).status_code == 303
    )  # not logged in
    for username, password in (("bien-tap", EDITOR_PASSWORD), ("chi-xem", VIEWER_PASSWORD)):
        admin.client.cookies.clear()
        page_login(admin.client, username, password)
        response = admin.client.get("/admin/dashboard")
        assert response.status_code == 200, response.text
        page = response.text
        for chart in ("statuses", "conversations", "documents", "feedback"):
            assert (
                f'<svg id="chart-{chart}"' in page
                and f'aria-labelledby="{chart}-title {chart}-desc"' in page
            )
        for label in (
            "Trả lời",
            "Chưa có thông tin kiểm chứng",
            "Hỏi lại để chọn",
            "Chưa trả lời được",
            "Ngoài phạm vi",
            "Hệ thống gián đoạn",
            "Chuyển cán bộ",
            "Cảnh báo",
            "Khác",
        ):
            assert label in page
        assert "<rect" in page and "<script" not in page and "giờ Việt Nam" in page
        assert '<a href="/admin/dashboard">Tổng quan</a>' in page
        assert "script-src 'self'" in response.headers["content-security-policy"]


def test_the_csv_export_has_the_figures_with_neutralised_cells(admin: AdminClient) -> None:
    admin.client.post("/turns", json=batch("answered", "not_found"))
    admin.client.post(
        "/unanswered",
        json={"conversation_id": "c1", "question": '=HYPERLINK("http://x")', "reason": "fallback"},
    )
    page_login(admin.client)
    response = admin.client.get("/admin/dashboard.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert not response.content.startswith(b"\xef\xbb\xbf")  # as export.csv: UTF-8 without a BOM
    rows = list(csv.reader(io.StringIO(response.text)))
    assert tuple(rows[0]) == DASHBOARD_CSV_COLUMNS
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells and not any(cell.startswith("=") for cell in cells)
    today = utc_now().astimezone(dt.timezone(dt.timedelta(hours=7))).date().isoformat()
    assert ["Theo ngày", today, "", "", "Lượt trả lời của bot", "2"] in rows
    assert ["Theo ngày", today, "", "", "Trả lời (%)", "50.0"] in rows


def test_bad_dates_are_refused_in_vietnamese_everywhere(admin: AdminClient) -> None:
    page_login(admin.client)
    page = admin.client.get("/admin/dashboard", params={"start": "2026-02-30"})
    assert page.status_code == 422 and 'role="alert"' in page.text and "không hợp lệ" in page.text
    assert 'value="2026-02-30"' in page.text  # the form again, to correct it
    reversed_ = admin.client.get(
        "/admin/dashboard", params={"start": "2026-12-02", "end": "2026-12-01"}
    )
    assert reversed_.status_code == 422 and "phải trùng hoặc sau" in reversed_.text
    assert admin.client.get("/admin/dashboard.csv", params={"end": "31/02/2026"}).status_code == 422
    api = admin.client.get(
        "/admin/api/dashboard",
        params={"start": "2020-01-01", "end": "2026-01-01"},
        headers=admin.viewer,
    )
    assert api.status_code == 422 and "tối đa 366 ngày" in api.json()["detail"]["message"]


def test_existing_pages_show_vietnam_time(admin: AdminClient) -> None:
    page_login(admin.client)
    reports = admin.client.get("/admin/reports").text
    assert "giờ Việt Nam" in reports and " UTC" not in reports
