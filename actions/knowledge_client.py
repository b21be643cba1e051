"""HTTP client of the knowledge service: the only way actions reach the knowledge base."""

from typing import Any

import httpx

from actions.config import ActionSettings

RECORDS_TOKEN_HEADER = "X-Records-Token"  # knowledge/api/deps.py checks it


class KnowledgeUnavailable(Exception):
    """The knowledge service could not be reached or answered with an error."""


class KnowledgeClient:
    def __init__(self, settings: ActionSettings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._records_headers = {RECORDS_TOKEN_HEADER: settings.records_token}
        self._client = httpx.AsyncClient(
            base_url=settings.knowledge_url,
            timeout=settings.knowledge_timeout_seconds,
            transport=transport,
        )

    async def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any] | None:
        try:
            response = await self._client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise KnowledgeUnavailable(str(exc)) from exc
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise KnowledgeUnavailable(f"{method} {path} -> {response.status_code}")
        return response.json()

    async def search(self, query: str, top_k: int, kind: str | None = None,
                     context_document: str | None = None) -> dict[str, Any]:
        """Ranked documents (only procedures with kind="procedure") and answer/clarify/no_answer;
        `context_document`, the last document answered from, resolves subject-less follow-ups."""
        body: dict[str, Any] = {"query": query, "top_k": top_k, **({"kind": kind} if kind else {}),
                                **({"context_document": context_document} if context_document else {})}
        result = await self._request("POST", "/search", json=body)
        if result is None:
            raise KnowledgeUnavailable("POST /search -> 404")
        return result

    async def named_procedures(self, text: str) -> dict[str, Any]:
        """The catalogue procedures the text names, most specific first, and the one chosen."""
        result = await self._request("POST", "/procedures/named", json={"text": text})
        if result is None:
            raise KnowledgeUnavailable("POST /procedures/named -> 404")
        return result

    async def get_document(self, document_id: str) -> dict[str, Any] | None:
        return await self._request("GET", f"/documents/{document_id}")

    async def record_feedback(
        self, conversation_id: str, document_id: str | None, helpful: bool, question: str | None
    ) -> None:
        payload = {"conversation_id": conversation_id, "document_id": document_id, "helpful": helpful, "question": question}
        await self._request("POST", "/feedback", json=payload, headers=self._records_headers)

    async def record_handoff(self, conversation_id: str, reason: str, transcript: list[dict[str, str]],
                             last_document_id: str | None) -> dict[str, Any]:
        """On the staff's desk; says whether a person can take it now, else when the office opens."""
        payload = {"conversation_id": conversation_id, "reason": reason, "transcript": transcript,
                   "last_document_id": last_document_id}
        result = await self._request("POST", "/handoffs", json=payload, headers=self._records_headers)
        if result is None:
            raise KnowledgeUnavailable("POST /handoffs -> 404")
        return result

    async def rate_handoff(self, conversation_id: str, helpful: bool) -> bool:
        """The citizen's answer after staff ended a handed-over conversation."""
        result = await self._request("POST", "/live/rating", json={"conversation_id": conversation_id,
                                                                     "helpful": helpful}, headers=self._records_headers)
        return bool(result and result.get("updated"))

    async def record_unanswered(
        self, conversation_id: str, question: str, reason: str, document_id: str | None = None
    ) -> None:
        """For the staff's unanswered-questions queue (reason: "fallback" or "thumbs_down")."""
        payload = {"conversation_id": conversation_id, "question": question, "reason": reason, "document_id": document_id}
        await self._request("POST", "/unanswered", json=payload, headers=self._records_headers)

    async def report_unanswered(
        self, conversation_id: str, question: str | None, reason: str, document_id: str | None = None
    ) -> None:
        """Best effort: the citizen's reply never depends on the staff queue being reachable."""
        if not question:
            return
        try:
            await self.record_unanswered(conversation_id, question, reason, document_id)
        except KnowledgeUnavailable:
            pass
