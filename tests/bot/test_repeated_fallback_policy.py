"""bot/policies/repeated_fallback_policy.py: two fallbacks in a row hand the conversation to a
person; a handoff starts the count again."""

from pathlib import Path
from typing import Any

import pytest
from rasa.shared.core.events import ActionExecuted, Event

from bot.policies.repeated_fallback_policy import RepeatedFallbackPolicy
from shared.contract import FELL_BACK
from tests.bot.conftest import answered, make_policy, make_tracker, predicted, reply, said


@pytest.fixture
def policy(tmp_path: Path) -> RepeatedFallbackPolicy:
    return make_policy(RepeatedFallbackPolicy, tmp_path)


def turn(status: str, text: str = "câu hỏi") -> list[Event]:
    return [*said(text), *answered(status)]


def handoff(status: str = "handed_over") -> list[Event]:
    return [*said("gặp cán bộ", "request_human"), *answered(status, action="action_handoff")]


def test_the_second_fallback_in_a_row_hands_over(policy: Any, domain: Any) -> None:
    tracker = make_tracker(domain, [*turn("not_found"), *turn("out_of_scope")])
    assert predicted(policy, tracker, domain) == "action_handoff"
    assert policy.predict_action_probabilities(tracker, domain).policy_priority == 7


@pytest.mark.parametrize("status", FELL_BACK)
def test_every_fallback_status_counts(policy: Any, domain: Any, status: str) -> None:
    assert (
        predicted(policy, make_tracker(domain, [*turn("not_found"), *turn(status)]), domain)
        == "action_handoff"
    )


def test_one_fallback_is_not_enough(policy: Any, domain: Any) -> None:
    assert predicted(policy, make_tracker(domain, [*turn("not_found")]), domain) is None


@pytest.mark.parametrize(
    "statuses",
    [
        ("answered", "not_found"),
        ("not_found", "answered"),
        ("not_found", "clarified"),
        ("not_found", "smalltalk"),
    ],
)
def test_fallbacks_must_be_consecutive(policy: Any, domain: Any, statuses: Any) -> None:
    events = [event for status in statuses for event in turn(status)]
    assert predicted(policy, make_tracker(domain, events), domain) is None


def test_the_turn_last_reply_decides(policy: Any, domain: Any) -> None:
    clarified_at_last = [
        *said("câu hỏi"),
        ActionExecuted("action_answer_question"),
        reply("not_found"),
        reply("clarified"),
    ]
    assert (
        predicted(policy, make_tracker(domain, [*turn("not_found"), *clarified_at_last]), domain)
        is None
    )
    fell_back_at_last = [
        *said("câu hỏi"),
        ActionExecuted("action_answer_question"),
        reply("clarified"),
        reply("not_found"),
    ]
    assert (
        predicted(policy, make_tracker(domain, [*turn("not_found"), *fell_back_at_last]), domain)
        == "action_handoff"
    )


def test_replies_without_the_contract_are_no_fallback(policy: Any, domain: Any) -> None:
    silent = [*said("câu hỏi"), ActionExecuted("utter_greet"), reply(None)]
    assert predicted(policy, make_tracker(domain, [*turn("not_found"), *silent]), domain) is None


def test_nothing_is_predicted_before_the_bot_replied(policy: Any, domain: Any) -> None:
    tracker = make_tracker(domain, [*turn("not_found"), *turn("not_found"), *said("còn nữa")])
    assert predicted(policy, tracker, domain) is None


def test_after_the_handoff_the_bot_listens(policy: Any, domain: Any) -> None:
    tracker = make_tracker(
        domain,
        [
            *turn("not_found"),
            *turn("not_found"),
            ActionExecuted("action_handoff"),
            reply("handed_over"),
        ],
    )
    assert predicted(policy, tracker, domain) == "action_listen"


@pytest.mark.parametrize("handoff_status", ["handed_over", "unavailable"])
def test_a_handoff_starts_the_count_again(policy: Any, domain: Any, handoff_status: str) -> None:
    # Even a handoff the desk could not take (its own turn fell back) starts the count again.
    history = [*turn("not_found"), *handoff(handoff_status)]
    assert predicted(policy, make_tracker(domain, [*history, *turn("not_found")]), domain) is None
    assert (
        predicted(
            policy, make_tracker(domain, [*history, *turn("not_found"), *turn("not_found")]), domain
        )
        == "action_handoff"
    )


def test_the_number_of_fallbacks_is_configurable(tmp_path: Path, domain: Any) -> None:
    patient = make_policy(RepeatedFallbackPolicy, tmp_path, fallbacks_before_handoff=3)
    assert (
        predicted(patient, make_tracker(domain, [*turn("not_found"), *turn("not_found")]), domain)
        is None
    )
    three = [*turn("not_found"), *turn("rejected"), *turn("unavailable")]
    assert predicted(patient, make_tracker(domain, three), domain) == "action_handoff"
