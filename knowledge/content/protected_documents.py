"""The documents the forms fetch by id stay in the knowledge base.

Staff may edit them but not delete them, and no publish may drop them from what the bot
serves: either would silently turn a guided form's answer into "no answer". The ids are
declared once, in shared/required_documents.py; a refusal names each document and the forms
that need it, and changes nothing.
"""

from collections.abc import Iterable

from knowledge.platform import messages
from knowledge.platform.errors import RequiredDocument
from shared.required_documents import forms_needing


def _form_names(forms: list[str]) -> str:
    return ", ".join(messages.REQUIRED_FORM_NAMES.get(form, form) for form in forms)


def check_deletable(document_id: str, title: str) -> None:
    """Raise RequiredDocument when a form fetches this document."""
    forms = forms_needing(document_id)
    if forms:
        names = _form_names(forms)
        message = messages.REQUIRED_DOCUMENT_DELETE.format(id=document_id, title=title, forms=names)
        raise RequiredDocument(message, {document_id: forms})


def check_not_dropped(served: Iterable[str], publishing: Iterable[str]) -> None:
    """Raise RequiredDocument when a document a form fetches is served now but would not be
    after this publish (deleted before the rule existed, or behind the store's back)."""
    dropped = sorted(set(served) - set(publishing))
    required_by = {document_id: forms_needing(document_id) for document_id in dropped}
    required_by = {document_id: forms for document_id, forms in required_by.items() if forms}
    if required_by:
        items = "; ".join(
            messages.REQUIRED_DOCUMENT_ITEM.format(id=document_id, forms=_form_names(forms))
            for document_id, forms in required_by.items()
        )
        message = messages.REQUIRED_DOCUMENT_PUBLISH.format(documents=items)
        raise RequiredDocument(message, required_by)
