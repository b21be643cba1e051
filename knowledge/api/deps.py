"""FastAPI dependencies."""

from fastapi import Request

from knowledge.service import KnowledgeService


def get_service(request: Request) -> KnowledgeService:
    return request.app.state.knowledge_service
