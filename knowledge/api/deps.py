"""FastAPI dependencies."""

from fastapi import Request

from knowledge.records import RecordStore
from knowledge.service import KnowledgeService


def get_service(request: Request) -> KnowledgeService:
    return request.app.state.knowledge_service


def get_records(request: Request) -> RecordStore:
    return request.app.state.records
