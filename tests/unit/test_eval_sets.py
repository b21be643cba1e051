"""The short-message and follow-up sets are what they claim to be: short, labelled with
documents (and sections) that exist, large enough to calibrate on."""

import yaml

from knowledge.config import REPO_ROOT
from knowledge.documents.model import load_documents
from shared.text import fold_diacritics

DOCUMENTS = {d.id: d for d in load_documents(REPO_ROOT / "kb" / "documents").documents}


def _load(name: str) -> dict:
    return yaml.safe_load((REPO_ROOT / "eval" / name).read_text(encoding="utf-8"))


def test_short_messages_are_short_and_labelled_with_real_documents() -> None:
    data = _load("short_messages.yaml")
    in_scope, out_of_scope = data["in_scope"], data["out_of_scope"]
    assert len(in_scope) >= 150 and len(out_of_scope) >= 80
    for item in [*in_scope, *out_of_scope]:
        assert len(str(item["q"]).split()) <= 4, item
    for item in in_scope:
        assert item["expected"] and set(item["expected"]) <= set(DOCUMENTS), item
    unaccented = [i for i in in_scope if fold_diacritics(str(i["q"])) == str(i["q"])]
    assert len(unaccented) / len(in_scope) >= 0.4


def test_followups_name_sections_their_procedures_have() -> None:
    cases = _load("followups.yaml")["cases"]
    assert len(cases) >= 40
    for case in cases:
        document = DOCUMENTS[case["expected_document"]]
        assert case["first_document"] in DOCUMENTS
        section = case.get("expected_section")
        if document.is_procedure:
            assert section in {s.key.value for s in document.sections}, case
        else:
            assert section is None, case
