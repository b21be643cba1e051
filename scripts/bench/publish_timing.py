"""From publishing one edited document to the bot answering from it.

Preferred: through the staff's admin API on the running stack (PUT the edited document,
POST /admin/api/publish), then poll the knowledge service's /search and Rasa's REST channel
until each returns the new text. Without a working admin API: edit a Markdown file in a
temporary documents folder and hand the documents to `KnowledgeService.serve()` in this process.
"""

import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import httpx

from knowledge.config import Settings
from knowledge.documents.model import load_documents
from knowledge.retrieval.embedding import Embedder
from knowledge.retrieval.service import KnowledgeService
from scripts.bench.loadgen import reply_text

API = "/admin/api"
DOCUMENT_ID = "vneid-quen-mat-khau"
QUESTION = "quen mat khau vneid thi lam sao"


@dataclass
class EditToAnswer:
    method: str
    document_id: str
    question: str
    first_publish_seconds: float | None = None  # the seed import's publish of every document
    samples: list[dict[str, float]] = field(default_factory=list)
    note: str = ""


def marker_sentence(run: int) -> str:
    return f"Cập nhật kiểm thử số {run} (mã {uuid.uuid4().hex[:8]})."


def wait_until(
    check: Callable[[], bool], since: float, timeout: float = 120.0, pause: float = 0.05
) -> float:
    """Seconds from `since` until `check()` first holds; raises TimeoutError after `timeout`."""
    while not check():
        if time.perf_counter() - since > timeout:
            raise TimeoutError("the edited text never appeared")
        time.sleep(pause)
    return time.perf_counter() - since


def _search_shows(client: httpx.Client, marker: str) -> bool:
    hits = client.post("/search", json={"query": QUESTION}).json().get("hits", [])
    return bool(hits) and marker in hits[0]["answer"]


def _bot_says(client: httpx.Client, rest_url: str, marker: str) -> bool:
    reply = client.post(
        rest_url, json={"sender": f"publish-{uuid.uuid4().hex[:8]}", "message": QUESTION}
    )
    return reply.status_code == 200 and marker in reply_text(reply.json())


def _service_shows(service: KnowledgeService, marker: str) -> bool:
    hits = service.searcher.search(QUESTION).hits
    return bool(hits) and marker in hits[0].document.body


def measure_admin_publish(
    knowledge_url: str, rest_url: str, username: str, password: str, repeats: int
) -> EditToAnswer:
    """Raises httpx.HTTPStatusError when the admin API is missing or refuses."""
    result = EditToAnswer(
        "admin publish API (PUT document, POST /admin/api/publish)", DOCUMENT_ID, QUESTION
    )
    with httpx.Client(base_url=knowledge_url, timeout=600) as client:
        login = client.post(f"{API}/login", json={"username": username, "password": password})
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        began = time.perf_counter()
        client.post(f"{API}/import-seed", headers=headers).raise_for_status()
        result.first_publish_seconds = time.perf_counter() - began
        for run in range(1, repeats + 1):
            marker = marker_sentence(run)
            current = client.get(f"{API}/documents/{DOCUMENT_ID}", headers=headers)
            current.raise_for_status()
            document = current.json()
            fields = {
                k: document[k] for k in ("title", "topic", "questions", "sources", "reviewed")
            }
            edit = {
                **fields,
                "body": f"{document['body']}\n\n{marker}",
                "version": document["version"],
            }
            began = time.perf_counter()
            client.put(
                f"{API}/documents/{DOCUMENT_ID}", json=edit, headers=headers
            ).raise_for_status()
            saved = time.perf_counter() - began
            began = time.perf_counter()
            published = client.post(f"{API}/publish", headers=headers)
            published.raise_for_status()
            publish_call = time.perf_counter() - began
            search_visible = wait_until(partial(_search_shows, client, marker), began)
            bot_answers = wait_until(partial(_bot_says, client, rest_url, marker), began)
            result.samples.append(
                {
                    "save_draft_seconds": saved,
                    "publish_call_seconds": publish_call,
                    "publish_server_seconds": published.json()["seconds"],
                    "search_visible_seconds": search_visible,
                    "bot_answers_seconds": bot_answers,
                }
            )
    result.note = (
        "Clocks start when POST /publish is sent; the bot's time includes one full REST turn "
        "(Rasa → action server → /search) after the publish returned."
    )
    return result


def measure_reload(
    documents_dir: Path, live_index_dir: Path, embedder: Embedder, workdir: Path, repeats: int
) -> EditToAnswer:
    """The fallback: edit the Markdown file, `KnowledgeService.serve()`, search in-process."""
    documents, index_dir = workdir / "documents", workdir / "index"
    shutil.copytree(documents_dir, documents)
    shutil.copytree(live_index_dir, index_dir)
    service = KnowledgeService(Settings(documents_dir=documents, index_dir=index_dir), embedder)
    path = next(documents.rglob(f"{DOCUMENT_ID}.md"))
    result = EditToAnswer(
        "Markdown file edit + KnowledgeService.serve() (in-process)", DOCUMENT_ID, QUESTION
    )
    for run in range(1, repeats + 1):
        marker = marker_sentence(run)
        path.write_text(
            path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8"
        )
        began = time.perf_counter()
        service.serve(load_documents(documents).documents)
        reloaded = time.perf_counter() - began
        visible = wait_until(partial(_service_shows, service, marker), began)
        result.samples.append({"publish_call_seconds": reloaded, "search_visible_seconds": visible})
    result.note = "The bot itself was not asked: this path has no running service to publish to."
    return result
