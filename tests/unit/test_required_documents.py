"""The declaration of the documents the forms fetch by id cannot drift from the knowledge base
or the domain: every id is a document of kb/documents, every slot value has its document, and
every document a domain button opens is declared (so staff cannot delete it)."""

import re

import pytest
import yaml

from knowledge.config import REPO_ROOT
from knowledge.documents.model import load_documents
from knowledge.platform.messages import REQUIRED_FORM_NAMES
from shared.required_documents import (
    DOCUMENT_FOR_CARRIER,
    DOCUMENT_FOR_LOGIN_STEP,
    REQUIRED_DOCUMENTS,
    forms_needing,
    required_document_ids,
)

DOMAIN_TEXT = (REPO_ROOT / "bot" / "domain.yml").read_text(encoding="utf-8")
KB_DOCUMENTS = {d.id for d in load_documents(REPO_ROOT / "kb" / "documents").documents}
_CHOSEN_DOCUMENT = re.compile(r"/choose_document\{\{\"document_id\": \"([^\"]+)\"\}\}")


@pytest.mark.parametrize("document_id", required_document_ids())
def test_every_declared_document_is_in_the_knowledge_base(document_id: str) -> None:
    assert document_id in KB_DOCUMENTS


def test_every_button_of_the_domain_opens_a_declared_document() -> None:
    chosen = set(_CHOSEN_DOCUMENT.findall(DOMAIN_TEXT))
    assert chosen, "the pattern no longer matches the domain's /choose_document buttons"
    assert chosen <= set(required_document_ids())


@pytest.mark.parametrize(
    ("slot", "mapping"),
    [("signature_carrier", DOCUMENT_FOR_CARRIER), ("login_step", DOCUMENT_FOR_LOGIN_STEP)],
)
def test_every_value_of_a_form_slot_has_its_document(slot: str, mapping: dict[str, str]) -> None:
    values = yaml.safe_load(DOMAIN_TEXT)["slots"][slot]["values"]
    assert sorted(values) == sorted(mapping)


def test_staff_read_the_name_of_every_form_that_needs_a_document() -> None:
    assert set(REQUIRED_FORM_NAMES) == set(REQUIRED_DOCUMENTS)


def test_a_document_no_form_fetches_needs_nothing() -> None:
    assert forms_needing("dvc-nop-ho-so-truc-tuyen") == ["level4_form"]
    assert forms_needing("cks-la-gi") == []
