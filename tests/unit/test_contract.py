"""The response contract: one status vocabulary per turn, the widget's type derived from it,
and every response of the domain carrying a payload that agrees with the mapping."""

from typing import Any, get_args

import pytest
import yaml
from pydantic import BaseModel

from knowledge.api.routes.internal import records
from knowledge.api.schemas import admin as admin_schemas
from knowledge.api.schemas import public as public_schemas
from knowledge.config import REPO_ROOT
from knowledge.retrieval.search import SearchStatus
from shared import contract
from shared.contract import (
    FELL_BACK,
    FROM_A_DOCUMENT,
    TURN_STATUSES,
    TURN_TYPES,
    TYPE_OF_STATUS,
    SearchConclusion,
    staff_payload,
    status_of,
    turn_payload,
)

# What web/widget/tro-ly-widget.js and its browser tests know; the vocabulary must not change them.
WIDGET_TYPES = ("answer", "clarify", "fallback", "handoff", "smalltalk", "warning", "form")


def test_every_status_has_one_widget_type_and_every_widget_type_a_status() -> None:
    assert TURN_TYPES == WIDGET_TYPES
    assert set(TYPE_OF_STATUS) == set(TURN_STATUSES)
    assert set(TYPE_OF_STATUS.values()) == set(TURN_TYPES)
    assert {
        "answered",
        "no_verified_content",
        "clarified",
        "not_found",
        "out_of_scope",
        "handed_over",
        "warning",
        "smalltalk",
        "form",
        "unavailable",
    } <= set(TURN_STATUSES)


def test_no_verified_content_is_drawn_like_an_answer_but_is_another_status() -> None:
    payload = turn_payload(
        "no_verified_content", topic="dich_vu_cong", sources=[{"id": "tt-x"}], confidence=0.91234
    )
    assert payload == {
        "status": "no_verified_content",
        "type": "answer",
        "topic": "dich_vu_cong",
        "sources": [{"id": "tt-x"}],
        "confidence": 0.9123,
    }
    assert FROM_A_DOCUMENT == ("answered", "no_verified_content")
    assert set(FELL_BACK) == {"not_found", "out_of_scope", "rejected", "unavailable"}


def test_an_unknown_status_never_goes_out() -> None:
    with pytest.raises(KeyError):
        turn_payload("answer")  # type: ignore[arg-type]  # the widget's word, not a status


@pytest.mark.parametrize(
    ("custom", "status"),
    [
        (turn_payload("handed_over"), "handed_over"),
        ({"type": "answer", "sources": []}, None),  # a type alone is no status
        ({"status": "no_answer"}, None),
        (staff_payload("Lan"), None),  # a staff message is not a bot turn
        ("answered", None),
        (None, None),
    ],
)
def test_the_status_a_payload_reports(custom: Any, status: str | None) -> None:
    assert status_of(custom) == status


def test_a_search_concludes_in_the_turns_words() -> None:
    assert {status.value for status in SearchStatus} == set(get_args(SearchConclusion))


def _domain_payloads() -> list[tuple[str, dict[str, Any]]]:
    domain = yaml.safe_load((REPO_ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    return [
        (name, variant["custom"])
        for name, variants in domain["responses"].items()
        for variant in variants
        if "custom" in variant
    ]


@pytest.mark.parametrize(
    ("response", "custom"), _domain_payloads(), ids=lambda value: str(value)[:40]
)
def test_every_domain_payload_has_a_status_and_the_type_it_maps_to(
    response: str, custom: dict[str, Any]
) -> None:
    """The domain cannot call the mapping, so this checks it: a response's `type` is always
    TYPE_OF_STATUS[status], and its other fields are the contract's."""
    extra = {key: custom[key] for key in ("person",) if key in custom}
    assert custom == {**turn_payload(custom.get("status"), topic=custom["topic"]), **extra}, (
        response
    )


def test_the_domain_names_the_statuses_its_turns_end_with() -> None:
    statuses = {name: custom["status"] for name, custom in _domain_payloads()}
    assert statuses["utter_procedure_section_missing"] == "no_verified_content"
    assert statuses["utter_answer"] == statuses["utter_procedure_section"] == "answered"
    assert (
        statuses["utter_out_of_scope"] == "out_of_scope"
        and statuses["utter_no_answer"] == "not_found"
    )
    assert statuses["utter_action_failed"] == "unavailable"


# --- the records contract: one declaration, both sides ---------------------------------------

BODIES: list[tuple[type[BaseModel], type]] = [
    (public_schemas.FeedbackRequest, contract.FeedbackBody),
    (public_schemas.TranscriptTurn, contract.TranscriptLine),
    (public_schemas.HandoffRequest, contract.HandoffBody),
    (admin_schemas.UnansweredIntake, contract.UnansweredBody),
    (public_schemas.TurnStatus, contract.TurnBody),
    (public_schemas.TurnBatch, contract.TurnBatchBody),
    (public_schemas.CitizenLiveMessage, contract.LiveMessageBody),
    (public_schemas.CitizenPresence, contract.PresenceBody),
    (public_schemas.DeliveredMessages, contract.DeliveredBody),
    (public_schemas.HandoffRating, contract.RatingBody),
]


@pytest.mark.parametrize(("schema", "body"), BODIES, ids=[body.__name__ for _, body in BODIES])
def test_the_service_checks_the_body_the_clients_build(schema: type[BaseModel], body: type) -> None:
    """The clients build the shared TypedDict; the service's schema adds the limits. Same keys,
    and a body with every key is accepted as the clients send it."""
    assert set(schema.model_fields) == set(body.__annotations__)


def test_the_records_routes_are_the_contracts_paths() -> None:
    served = {route.path for route in records.router.routes}  # type: ignore[attr-defined]
    declared = {value for name, value in vars(contract).items() if name.endswith("_PATH")}
    assert served == declared
