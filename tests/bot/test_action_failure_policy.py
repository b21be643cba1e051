"""bot/policies/action_failure_policy.py: a custom action that ran without setting the turn
status failed, and the citizen gets an apology instead of silence."""

from pathlib import Path
from typing import Any

import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet

from bot.policies.action_failure_policy import ActionFailurePolicy
from tests.bot.conftest import answered, make_policy, make_tracker, predicted, reply, said


@pytest.fixture
def policy(tmp_path: Path) -> ActionFailurePolicy:
    return make_policy(ActionFailurePolicy, tmp_path)


def test_a_custom_action_that_set_no_status_is_followed_by_the_apology(
    policy: Any, domain: Any
) -> None:
    tracker = make_tracker(
        domain, [*said("đăng ký tạm trú"), ActionExecuted("action_answer_question")]
    )
    assert predicted(policy, tracker, domain) == "utter_action_failed"


def test_the_apology_outranks_the_rule_policy(policy: Any, domain: Any) -> None:
    tracker = make_tracker(
        domain, [*said("đăng ký tạm trú"), ActionExecuted("action_answer_question")]
    )
    assert policy.predict_action_probabilities(tracker, domain).policy_priority == 7 > 6


def test_a_custom_action_that_reported_its_status_is_left_alone(policy: Any, domain: Any) -> None:
    tracker = make_tracker(domain, [*said("đăng ký tạm trú"), *answered("answered", "cu_tru")])
    assert predicted(policy, tracker, domain) is None


def test_a_status_set_in_an_earlier_turn_does_not_hide_a_failure(policy: Any, domain: Any) -> None:
    tracker = make_tracker(
        domain,
        [
            *said("câu hỏi một"),
            *answered("answered"),
            *said("câu hỏi hai"),
            ActionExecuted("action_handoff"),
        ],
    )
    assert predicted(policy, tracker, domain) == "utter_action_failed"


def test_after_the_apology_the_bot_listens(policy: Any, domain: Any) -> None:
    tracker = make_tracker(
        domain,
        [
            *said("đăng ký tạm trú"),
            ActionExecuted("action_answer_question"),
            ActionExecuted("utter_action_failed"),
            reply("unavailable"),
        ],
    )
    assert predicted(policy, tracker, domain) == "action_listen"


@pytest.mark.parametrize(
    "action", ["utter_greet", "vneid_login_form", "action_listen", "action_session_start"]
)
def test_responses_forms_and_rasa_own_actions_need_no_status(
    policy: Any, domain: Any, action: str
) -> None:
    events = [*said("xin chào", "greet"), ActionExecuted(action)]
    if action == "vneid_login_form":
        events += [ActiveLoop("vneid_login_form"), SlotSet("requested_slot", "login_step")]
    assert predicted(policy, make_tracker(domain, events), domain) is None


def test_another_slot_set_by_the_action_is_no_status(policy: Any, domain: Any) -> None:
    tracker = make_tracker(
        domain,
        [
            *said("đăng ký tạm trú"),
            ActionExecuted("action_record_feedback"),
            SlotSet("login_step", "otp"),
        ],
    )
    assert predicted(policy, tracker, domain) == "utter_action_failed"


def test_the_status_slot_and_the_response_are_configurable(tmp_path: Path, domain: Any) -> None:
    policy = make_policy(
        ActionFailurePolicy, tmp_path, status_slot="login_step", failure_response="utter_greet"
    )
    failed = make_tracker(
        domain, [*said("a"), *answered("answered")]
    )  # sets turn_status, not login_step
    assert predicted(policy, failed, domain) == "utter_greet"
    fine = make_tracker(
        domain, [*said("a"), ActionExecuted("action_answer_question"), SlotSet("login_step", "otp")]
    )
    assert predicted(policy, fine, domain) is None
