"""bot/policies/form_patience_policy.py: a form ends quietly when the citizen has moved on
(a second interruption in a row, or an answer from another topic)."""

from pathlib import Path
from typing import Any

import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SlotSet

from bot.policies.form_patience_policy import FormPatiencePolicy
from tests.bot.conftest import answered, make_policy, make_tracker, predicted, reply, said


@pytest.fixture
def policy(tmp_path: Path) -> FormPatiencePolicy:
    return make_policy(FormPatiencePolicy, tmp_path)


def in_form(form: str = "vneid_login_form", reasked: bool = False) -> list[Event]:
    """A form started and asked its question; the citizen then wrote something else."""
    events = [
        *said("quên mật khẩu vneid", "inform"),
        ActionExecuted(form),
        ActiveLoop(form),
        SlotSet("requested_slot", "login_step"),
        reply("form"),
    ]
    if reasked:
        events.append(SlotSet("form_reasked", True))
    return events


def test_an_answer_from_another_topic_pauses_the_form(policy: Any, domain: Any) -> None:
    tracker = make_tracker(
        domain, [*in_form(), *said("chữ ký số là gì?"), *answered("answered", "chu_ky_so")]
    )
    assert predicted(policy, tracker, domain) == "action_pause_form"


def test_the_pause_outranks_the_rule_policy(policy: Any, domain: Any) -> None:
    tracker = make_tracker(
        domain, [*in_form(), *said("chữ ký số là gì?"), *answered("answered", "chu_ky_so")]
    )
    assert policy.predict_action_probabilities(tracker, domain).policy_priority == 7


def test_an_answer_from_the_form_own_topic_lets_the_form_ask_again(
    policy: Any, domain: Any
) -> None:
    tracker = make_tracker(
        domain, [*in_form(), *said("vneid là gì?"), *answered("answered", "vneid")]
    )
    assert predicted(policy, tracker, domain) is None


def test_a_second_interruption_in_a_row_pauses_even_on_the_same_topic(
    policy: Any, domain: Any
) -> None:
    tracker = make_tracker(
        domain, [*in_form(reasked=True), *said("vneid là gì?"), *answered("answered", "vneid")]
    )
    assert predicted(policy, tracker, domain) == "action_pause_form"


def test_a_failed_interrupting_action_is_left_to_the_apology(policy: Any, domain: Any) -> None:
    tracker = make_tracker(
        domain,
        [
            *in_form(reasked=True),
            *said("chữ ký số là gì?"),
            ActionExecuted("action_answer_question"),
        ],
    )
    assert predicted(policy, tracker, domain) is None


@pytest.mark.parametrize("status", ["clarified", "not_found", "smalltalk"])
def test_replies_that_show_no_document_are_no_change_of_subject(
    policy: Any, domain: Any, status: str
) -> None:
    tracker = make_tracker(
        domain, [*in_form(), *said("cái kia thì sao?"), *answered(status, "chu_ky_so")]
    )
    assert predicted(policy, tracker, domain) is None


def test_a_document_without_verified_content_counts_as_an_answer(policy: Any, domain: Any) -> None:
    tracker = make_tracker(
        domain,
        [
            *in_form(),
            *said("chữ ký số giá bao nhiêu?"),
            *answered("no_verified_content", "chu_ky_so"),
        ],
    )
    assert predicted(policy, tracker, domain) == "action_pause_form"


def test_answers_from_both_topics_are_no_change_of_subject(policy: Any, domain: Any) -> None:
    tracker = make_tracker(
        domain,
        [
            *in_form(),
            *said("vneid và chữ ký số"),
            ActionExecuted("action_answer_question"),
            reply("answered", "vneid"),
            reply("answered", "chu_ky_so"),
            SlotSet("turn_status", "answered"),
        ],
    )
    assert predicted(policy, tracker, domain) is None


def test_answers_given_before_the_citizen_last_message_do_not_count(
    policy: Any, domain: Any
) -> None:
    tracker = make_tracker(
        domain,
        [
            *in_form(),
            reply("answered", "chu_ky_so"),
            *said("vneid là gì?"),
            *answered("answered", "vneid"),
        ],
    )
    assert predicted(policy, tracker, domain) is None


def test_without_an_active_form_nothing_is_paused(policy: Any, domain: Any) -> None:
    tracker = make_tracker(domain, [*said("chữ ký số là gì?"), *answered("answered", "chu_ky_so")])
    assert predicted(policy, tracker, domain) is None


def test_only_the_interrupting_actions_count(policy: Any, domain: Any) -> None:
    tracker = make_tracker(
        domain,
        [
            *in_form(reasked=True),
            *said("không", "deny"),
            *answered("feedback_saved", action="action_record_feedback"),
        ],
    )
    assert predicted(policy, tracker, domain) is None


def test_a_form_without_a_configured_topic_pauses_only_when_reasked(
    policy: Any, domain: Any, tmp_path: Path
) -> None:
    untopical = make_policy(FormPatiencePolicy, tmp_path, form_topics={})
    other = [*said("chữ ký số là gì?"), *answered("answered", "chu_ky_so")]
    assert predicted(untopical, make_tracker(domain, [*in_form(), *other]), domain) is None
    assert (
        predicted(untopical, make_tracker(domain, [*in_form(reasked=True), *other]), domain)
        == "action_pause_form"
    )


def test_each_form_is_judged_by_its_own_topic(policy: Any, domain: Any) -> None:
    tracker = make_tracker(
        domain,
        [*in_form("signature_form"), *said("chữ ký số là gì?"), *answered("answered", "chu_ky_so")],
    )
    assert predicted(policy, tracker, domain) is None
    tracker = make_tracker(
        domain, [*in_form("signature_form"), *said("vneid là gì?"), *answered("answered", "vneid")]
    )
    assert predicted(policy, tracker, domain) == "action_pause_form"


def test_after_the_pause_the_bot_listens(policy: Any, domain: Any) -> None:
    tracker = make_tracker(
        domain,
        [
            *in_form(),
            *said("chữ ký số là gì?"),
            *answered("answered", "chu_ky_so"),
            ActionExecuted("action_pause_form"),
            ActiveLoop(None),
            reply("smalltalk"),
        ],
    )
    assert predicted(policy, tracker, domain) == "action_listen"
