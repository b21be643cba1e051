"""HTTP client of the knowledge service: the only way actions reach the knowledge base."""

import asyncio
import re
from typing import Any

import httpx

from actions.config import ActionSettings
from shared.contract import (
    CLIENT_KEY_METADATA,
    CLIENT_KEY_PATTERN,
    FEEDBACK_PATH,
    HANDOFFS_PATH,
    LIVE_RATING_PATH,
    RECORDS_TOKEN_HEADER,
    UNANSWERED_PATH,
    FeedbackBody,
    HandoffBody,
    HandoffReason,
    RatingBody,
    TranscriptLine,
    UnansweredBody,
    UnansweredReason,
)

# As knowledge/api/schemas/public.py HandoffRequest accepts it: a key of another shape is not
# sent, so a request for a person never fails on it.
CLIENT_KEY = re.compile(CLIENT_KEY_PATTERN)
# A request for a person is retried once after a refusal that may pass (rate limit, busy database).
RETRY_STATUSES = frozenset({429, 503})
RETRY_PAUSE_SECONDS = 0.5
OPEN_PER_ADDRESS = "open_per_address"  # the desk's reason for a 429 that a retry cannot change


class KnowledgeUnavailable(Exception):
    """The knowledge service could not be reached or answered with an error."""


class HandoffRefused(KnowledgeUnavailable):
    """The desk took no new request: the citizen's address already has its open ones."""


def client_key_of(metadata: Any) -> str | None:
    """The keyed hash of the citizen's address the chat channel put in the message's metadata."""
    key = metadata.get(CLIENT_KEY_METADATA) if isinstance(metadata, dict) else None
    return key if isinstance(key, str) and CLIENT_KEY.fullmatch(key) else None


def _refusal_reason(response: httpx.Response) -> str | None:
    try:
        detail = response.json().get("detail")
    except ValueError:
        return None
    return detail.get("reason") if isinstance(detail, dict) else None


class KnowledgeClient:
    def __init__(
        self, settings: ActionSettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._records_headers = {RECORDS_TOKEN_HEADER: settings.records_token}
        self._client = httpx.AsyncClient(
            base_url=settings.knowledge_url,
            timeout=settings.knowledge_timeout_seconds,
            transport=transport,
        )

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self._client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise KnowledgeUnavailable(str(exc)) from exc

    async def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any] | None:
        return self._result(method, path, await self._send(method, path, **kwargs))

    @staticmethod
    def _result(method: str, path: str, response: httpx.Response) -> dict[str, Any] | None:
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise KnowledgeUnavailable(f"{method} {path} -> {response.status_code}")
        return response.json()

    async def search(
        self, query: str, top_k: int, kind: str | None = None, context_document: str | None = None
    ) -> dict[str, Any]:
        """Ranked documents (only procedures with kind="procedure") and the search's status
        (answered, clarified or not_found: shared/contract.py's SearchConclusion);
        `context_document`, the last document answered from, resolves subject-less follow-ups."""
        body: dict[str, Any] = {
            "query": query,
            "top_k": top_k,
            **({"kind": kind} if kind else {}),
            **({"context_document": context_document} if context_document else {}),
        }
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
        payload = FeedbackBody(
            conversation_id=conversation_id,
            document_id=document_id,
            helpful=helpful,
            question=question,
        )
        await self._request("POST", FEEDBACK_PATH, json=payload, headers=self._records_headers)

    async def record_handoff(
        self,
        conversation_id: str,
        reason: HandoffReason,
        transcript: list[TranscriptLine],
        last_document_id: str | None,
        channel: str | None = None,
        client_key: str | None = None,
    ) -> dict[str, Any]:
        """On the staff's desk; says whether a person can take it now, else when the office opens.

        `channel` tells the desk whether the citizen's presence is reported (socketio) or the
        request is abandoned when they stop writing; `client_key` counts the open requests of
        their address. Retried once on 429/503: a citizen asking for a person is not dropped
        for a passing refusal. HandoffRefused: their address has too many open requests."""
        payload = HandoffBody(
            conversation_id=conversation_id,
            reason=reason,
            transcript=transcript,
            last_document_id=last_document_id,
            channel=channel,
            client_key=client_key,
        )
        for attempt in range(2):
            if attempt:
                await asyncio.sleep(RETRY_PAUSE_SECONDS)
            response = await self._send(
                "POST", HANDOFFS_PATH, json=payload, headers=self._records_headers
            )
            if response.status_code == 429 and _refusal_reason(response) == OPEN_PER_ADDRESS:
                raise HandoffRefused("POST /handoffs -> 429 (open requests per address)")
            if response.status_code not in RETRY_STATUSES:
                break
        result = self._result("POST", HANDOFFS_PATH, response)
        if result is None:
            raise KnowledgeUnavailable("POST /handoffs -> 404")
        return result

    async def rate_handoff(self, conversation_id: str, helpful: bool) -> bool:
        """The citizen's answer after staff ended a handed-over conversation."""
        body = RatingBody(conversation_id=conversation_id, helpful=helpful)
        result = await self._request(
            "POST", LIVE_RATING_PATH, json=body, headers=self._records_headers
        )
        return bool(result and result.get("updated"))

    async def record_unanswered(
        self,
        conversation_id: str,
        question: str,
        reason: UnansweredReason,
        document_id: str | None = None,
    ) -> None:
        """For the staff's unanswered-questions queue (reason: "fallback" or "thumbs_down")."""
        payload = UnansweredBody(
            conversation_id=conversation_id,
            question=question,
            reason=reason,
            document_id=document_id,
        )
        await self._request("POST", UNANSWERED_PATH, json=payload, headers=self._records_headers)

    async def report_unanswered(
        self,
        conversation_id: str,
        question: str | None,
        reason: UnansweredReason,
        document_id: str | None = None,
    ) -> None:
        """Best effort: the citizen's reply never depends on the staff queue being reachable."""
        if not question:
            return
        try:
            await self.record_unanswered(conversation_id, question, reason, document_id)
        except KnowledgeUnavailable:
            pass
