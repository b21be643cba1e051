"""Crash test: the knowledge service runs in a subprocess (uvicorn) while a client saves,
creates and publishes documents; it is killed with SIGKILL at a random moment, restarted,
and every acknowledged write must be there, and nothing half-written.

CRASH_TRIALS (default 20) sets the number of kills.
"""

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from knowledge.config import REPO_ROOT
from knowledge.documents.model import parse_document
from stack.services import free_ports
from tests.admin.conftest import EDITOR_PASSWORD, published_seed, update_payload

TRIALS = int(os.environ.get("CRASH_TRIALS", "20"))
DOCUMENT_IDS = [
    "test-quen-mat-khau",
    "test-khong-nhan-otp",
    "test-nop-ho-so",
    "test-chu-ky-so-la-gi",
]


@dataclass
class Acknowledged:
    """What the service confirmed, with the time it was confirmed."""

    edits: list[tuple[float, str, int, str]] = field(
        default_factory=list
    )  # (acked at, id, version, marker)
    publishes: list[float] = field(default_factory=list)  # when each acked publish was *requested*
    sent_markers: set[str] = field(default_factory=set)


class Service:
    def __init__(self, tmp: Path) -> None:
        self.env = {
            **os.environ,
            "KB_DOCUMENTS_DIR": str(tmp / "documents"),
            "KB_INDEX_DIR": str(tmp / "index"),
            "PYTHONPATH": str(REPO_ROOT),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> None:
        [port] = free_ports(1)
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "knowledge.api.app:app_factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the service exited during start")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the service did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


def write_load(
    url: str, token: str, trial: int, acked: Acknowledged, stop: threading.Event, seed: int
) -> None:
    """Edits (and a few creations) in a row, each from the last acknowledged version."""
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=10) as client:
        versions = {
            d["id"]: d["version"]
            for d in client.get("/admin/api/documents?limit=500").json()["items"]
        }
        n = 0
        while not stop.is_set():
            n += 1
            marker = f"Bản sửa {trial}-{seed}-{n}."
            acked.sent_markers.add(marker)
            try:
                time.sleep(0.01)  # leave the publisher some of the two cores
                if rng.random() < 0.05:
                    doc_id = f"crash-{trial}-{seed}-{n}"
                    payload = {**update_payload(1, body=marker), "id": doc_id}
                    payload.pop("version")
                    response = client.post("/admin/api/documents", json=payload)
                else:
                    doc_id = rng.choice(DOCUMENT_IDS)
                    current = client.get(f"/admin/api/documents/{doc_id}").json()
                    fields = {
                        k: current[k]
                        for k in ("title", "topic", "questions", "sources", "reviewed")
                    }
                    response = client.put(
                        f"/admin/api/documents/{doc_id}",
                        json={**fields, "body": marker, "version": versions[doc_id]},
                    )
            except httpx.HTTPError:
                return
            if response.status_code in (200, 201):
                version = response.json()["version"]
                versions[doc_id] = version
                acked.edits.append((time.monotonic(), doc_id, version, marker))
            elif response.status_code == 409:
                versions[doc_id] = response.json()["detail"].get(
                    "current_version", versions.get(doc_id, 1)
                )


def publish_load(url: str, token: str, acked: Acknowledged, stop: threading.Event) -> None:
    with httpx.Client(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        while not stop.is_set():
            requested = time.monotonic()
            try:
                response = client.post("/admin/api/publish")
            except httpx.HTTPError:
                return
            if response.status_code == 200:
                acked.publishes.append(requested)


def check_database(path: Path, acked: Acknowledged) -> dict[str, int]:
    """Every acknowledged edit present, nothing half-written; returns published versions."""
    with sqlite3.connect(path) as db:
        heads = {
            r[0]: r[1:]
            for r in db.execute(
                "SELECT id, version, published_version, title, status FROM documents"
            )
        }
        revisions: dict[str, dict[int, tuple[str, str]]] = {}
        for doc_id, version, source, digest in db.execute(
            "SELECT document_id, version, source, content_hash FROM document_revisions"
        ):
            revisions.setdefault(doc_id, {})[version] = (source, digest)
    for doc_id, (version, published, title, status) in heads.items():
        history = revisions[doc_id]
        assert sorted(history) == list(range(1, version + 1)), (
            f"{doc_id}: versions {sorted(history)} for head {version}"
        )
        for source, digest in history.values():
            assert hashlib.sha256(source.encode()).hexdigest() == digest
            parse_document(source, expected_id=doc_id)  # complete and valid
        latest = parse_document(history[version][0])
        assert latest.title == title
        if latest.body.startswith("Bản sửa"):
            assert latest.body in acked.sent_markers
        assert (status == "published") == (published == version)
    for _, doc_id, version, marker in acked.edits:
        assert doc_id in heads and heads[doc_id][0] >= version, (
            f"acknowledged {doc_id} v{version} lost"
        )
        assert parse_document(revisions[doc_id][version][0]).body == marker
    return {doc_id: head[1] for doc_id, head in heads.items()}


def check_publishes(published: dict[str, int], acked: Acknowledged) -> None:
    if not acked.publishes:
        return
    last_publish = max(acked.publishes)
    for acked_at, doc_id, version, _ in acked.edits:
        if acked_at < last_publish:
            assert (published.get(doc_id) or 0) >= version, f"published {doc_id} v{version} lost"


def check_served(url: str, database: Path, published: dict[str, int]) -> None:
    """After the restart the bot serves exactly the published versions."""
    with sqlite3.connect(database) as db:
        sources = {
            doc_id: source
            for doc_id, source in db.execute(
                "SELECT d.id, r.source FROM documents d JOIN document_revisions r "
                "ON r.document_id = d.id AND r.version = d.published_version"
            )
        }
    for doc_id, source in sources.items():
        served = httpx.get(f"{url}/documents/{doc_id}", timeout=10).json()
        assert served["answer"] == parse_document(source).body
    assert httpx.get(f"{url}/health", timeout=10).json()["documents"] == len(sources)


def test_sigkill_during_saves_and_publishes_loses_no_acknowledged_write(
    tmp_path: Path, record_property
) -> None:  # type: ignore[no-untyped-def]
    settings = published_seed(tmp_path)
    assert settings.admin_db is not None

    service = Service(tmp_path)
    acked = Acknowledged()
    rng = random.Random(20261123)
    service.start()
    token = httpx.post(
        f"{service.url}/admin/api/login", json={"username": "bien-tap", "password": EDITOR_PASSWORD}
    ).json()["token"]
    for trial in range(TRIALS):
        stop = threading.Event()
        workers = [
            threading.Thread(
                target=write_load, args=(service.url, token, trial, acked, stop, trial)
            ),
            threading.Thread(target=publish_load, args=(service.url, token, acked, stop)),
        ]
        for worker in workers:
            worker.start()
        time.sleep(rng.uniform(0.3, 2.5))
        service.kill()  # mid-write, mid-publish or between: wherever it is
        stop.set()
        for worker in workers:
            worker.join()
        published = check_database(settings.admin_db, acked)
        check_publishes(published, acked)
        service.start()  # the session token outlives the restart
        check_served(service.url, settings.admin_db, published)
    service.kill()
    assert len(acked.edits) > TRIALS and len(acked.publishes) >= min(TRIALS, 3)
    record_property("crash_trials", TRIALS)
    print(
        f"\ncrash test: {TRIALS} SIGKILLs, {len(acked.edits)} acknowledged writes, "
        f"{len(acked.publishes)} acknowledged publishes"
    )
