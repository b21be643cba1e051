"""Saving a document, the one way: the same checks and the same transaction whether staff
save from the JSON API or from the page."""

from knowledge.content import document_store as store
from knowledge.content.validation import checked_document
from knowledge.documents.model import KnowledgeDocument, serialize_document
from knowledge.platform.database import Database


def saved_document(
    db: Database, fields: dict[str, object], actor: str, base_version: int | None
) -> KnowledgeDocument:
    """Create (no base version) or edit (from `base_version`; VersionConflict if someone saved
    in between) a document as a new draft: the one way a save goes, from the API or the page."""
    document = checked_document(fields)
    with db.write() as session:
        if base_version is None:
            store.create_document(session, document, serialize_document(document), actor)
        else:
            store.edit_document(
                session, document, serialize_document(document), base_version, actor
            )
    return document
