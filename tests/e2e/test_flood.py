"""A flood from one address does not keep another citizen from a person (issue 26): 200
requests for a person, then 600 messages into those conversations (each one a record for
the desk), sent over REST from one address, leave everyone else's budgets alone. Another citizen's
request then reaches the staff desk within 2 s (the issue's bound); the time is printed and
kept in results/flood-handoff.json.

The flood is sent, and answered, before the citizen asks: the test measures what the flood
leaves behind (spent budgets last a minute), not how fast two cores serve both at once.
The attacker and the citizen send from two loopback addresses, so the chat edge and the
address key it gives the desk tell them apart.
"""

import json
import random
import re
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from stack.services import Stack
from tests.e2e.browser import RESULTS_DIR
from tests.e2e.test_admin_browser import AdminApi, editor  # noqa: F401 (editor is a fixture)

pytestmark = pytest.mark.e2e

ATTACKER, CITIZEN = "127.0.0.2", "127.0.0.3"
HANDOFF_REQUESTS, MESSAGES = (
    200,
    600,
)  # 1 + 3 messages a conversation: the chat edge lets through 8 in 10 s
ACCEPTED_SECONDS = 2.0
ASK_FOR_PERSON = "cho tôi gặp cán bộ hỗ trợ"
# Words the flood never uses: four of them name the citizen's conversation on the desk.
MARKER_WORDS = [
    "sen",
    "mai",
    "lan",
    "cúc",
    "đào",
    "tre",
    "trúc",
    "tùng",
    "sông",
    "núi",
    "mây",
    "gió",
    "nắng",
    "mưa",
    "suối",
    "đồi",
]
TURNS_DROPPED = "turn statuses not stored for the dashboard"


def from_address(stack: Stack, address: str) -> httpx.Client:
    """A REST client whose connections come from `address` (any 127.x address is loopback)."""
    return httpx.Client(
        base_url=stack.config.url(stack.config.rasa_port),
        timeout=120,
        transport=httpx.HTTPTransport(local_address=address),
    )


def say(client: httpx.Client, sender: str, message: str) -> httpx.Response:
    return client.post("/webhooks/rest/webhook", json={"sender": sender, "message": message})


def flood(stack: Stack) -> Counter[int]:
    """The attack, as the issue saw it: many requests for a person, then messages into the
    handed-over conversations (each one goes to the desk as a record), 8 at a time; the HTTP
    statuses the chat edge gave."""
    senders = [uuid.uuid4().hex for _ in range(HANDOFF_REQUESTS)]
    messages = [
        (sender, f"hồ sơ của tôi giải quyết đến đâu rồi, lần {n + 1}")
        for n in range(MESSAGES // HANDOFF_REQUESTS)
        for sender in senders
    ]
    with from_address(stack, ATTACKER) as attacker, ThreadPoolExecutor(8) as pool:
        statuses = Counter(
            pool.map(lambda sender: say(attacker, sender, ASK_FOR_PERSON).status_code, senders)
        )
        return statuses + Counter(pool.map(lambda job: say(attacker, *job).status_code, messages))


RECORD_POST = re.compile(r'"POST /(?:feedback|handoffs|unanswered|live/\w+) HTTP/1\.1" (\d{3})')


def service_log(stack: Stack, name: str) -> str:
    return (Path(stack.config.log_dir) / f"{name}.log").read_text(
        encoding="utf-8", errors="replace"
    )


def record_posts(stack: Stack) -> list[str]:
    """The HTTP statuses of every citizen's record written so far (the knowledge service's access log)."""
    return RECORD_POST.findall(service_log(stack, "knowledge"))


def desk_entry(staff: AdminApi, marker: str) -> dict[str, Any] | None:
    """The open request whose transcript holds the marker, newest first (staff see no conversation id)."""
    desk = staff.call("GET", "/handoffs", params={"status": "open", "per_page": 20})
    return next(
        (h for h in desk["handoffs"] if marker in json.dumps(h["transcript"], ensure_ascii=False)),
        None,
    )


def test_a_flood_from_one_address_does_not_keep_another_citizen_from_a_person(
    stack: Stack, editor: tuple[str, str], record_property: Any
) -> None:
    dropped_before, posts_before = (
        service_log(stack, "rasa").count(TURNS_DROPPED),
        len(record_posts(stack)),
    )
    flood_started = time.perf_counter()
    statuses = flood(stack)
    flood_seconds = time.perf_counter() - flood_started
    assert sum(statuses.values()) == HANDOFF_REQUESTS + MESSAGES and set(statuses) <= {200, 429}, (
        statuses
    )
    # More records than the 600 a minute all conversations once shared: that budget would be spent now.
    # (Each counts, stored or refused: refusals spent the shared budget too.)
    flood_records = Counter(record_posts(stack)[posts_before:])
    assert sum(flood_records.values()) > 600, flood_records

    marker = " ".join(random.sample(MARKER_WORDS, 4))
    staff = AdminApi(stack.config.url(stack.config.knowledge_port), *editor)
    try:
        staff.call(
            "POST", "/handoffs/presence"
        )  # a staff member has the inbox open: the citizen is offered a person now
        with from_address(stack, CITIZEN) as citizen:
            sender = uuid.uuid4().hex
            assert say(citizen, sender, f"tôi cần hỏi về hồ sơ {marker}").status_code == 200
            started = time.perf_counter()
            replies = say(citizen, sender, ASK_FOR_PERSON).json()
            entry = desk_entry(staff, marker)
            while entry is None and time.perf_counter() - started < 10:
                time.sleep(0.05)
                entry = desk_entry(staff, marker)
            seconds = time.perf_counter() - started
    finally:
        staff.close()

    print(
        f"\nflood: {HANDOFF_REQUESTS} requests for a person and {MESSAGES} messages from {ATTACKER} in "
        f"{flood_seconds:.1f} s (chat edge: {dict(statuses)}; records: {dict(flood_records)}); the other "
        f"citizen's request on the desk after "
        f"{seconds:.2f} s"
    )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "flood-handoff.json").write_text(
        json.dumps(
            {
                "handoff_requests": HANDOFF_REQUESTS,
                "messages": MESSAGES,
                "flood_seconds": round(flood_seconds, 2),
                "chat_edge_statuses": {str(k): v for k, v in statuses.items()},
                "record_statuses": dict(flood_records),
                "seconds_to_desk": round(seconds, 3),
                "accepted_seconds": ACCEPTED_SECONDS,
            },
            indent=2,
        )
    )
    record_property("flood_seconds_to_desk", round(seconds, 3))

    texts = " ".join(r.get("text", "") for r in replies)
    assert "đã chuyển yêu cầu của bạn tới cán bộ hỗ trợ đang trực" in texts, f"refused: {replies}"
    assert entry is not None and entry["status"] == "waiting", (
        "the citizen's request never reached the desk"
    )
    assert seconds <= ACCEPTED_SECONDS
    assert service_log(stack, "rasa").count(TURNS_DROPPED) == dropped_before, (
        "the dashboard lost turn statuses"
    )
