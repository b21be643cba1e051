"""bot/channels/identities.py: issued session ids, ids the stores keep, address tokens."""

import re

import pytest

from bot.channels import identities
from shared.privacy import mask_sensitive


@pytest.fixture(autouse=True)
def shared_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_RECORDS_TOKEN", "records-secret-a")


def test_an_issued_id_is_48_lower_case_letters_that_no_mask_reads_as_a_number() -> None:
    session_id = identities.issue()
    assert re.fullmatch(r"[a-z]{48}", session_id)
    assert not mask_sensitive(session_id).kinds
    assert identities.was_issued(session_id)


def test_issued_ids_are_random() -> None:
    assert len({identities.issue() for _ in range(50)}) == 50


@pytest.mark.parametrize(
    "claimed",
    [
        None,
        42,
        ["a" * 48],
        "",
        "short",
        "a" * 47,
        "a" * 49,
        "a" * 48,
        "0123456789abcdef0123456789abcdef",  # a widget's own UUID
    ],
)
def test_made_up_ids_of_any_shape_were_not_issued(claimed: object) -> None:
    assert not identities.was_issued(claimed)


def test_changing_one_letter_of_an_issued_id_makes_it_unknown() -> None:
    session_id = identities.issue()
    for position in (0, 23, 24, 47):
        letter = "b" if session_id[position] == "a" else "a"
        assert not identities.was_issued(
            session_id[:position] + letter + session_id[position + 1 :]
        )


def test_a_correctly_tagged_id_whose_random_part_is_not_letters_is_refused() -> None:
    # Only letters are ever issued: a tag computed for digits (a phone number's shape) is no id.
    random_part = "0912345678" + "1" * 14
    assert not identities.was_issued(random_part + identities._tag(random_part))
    letters = "q" * 24
    assert identities.was_issued(letters + identities._tag(letters))


def test_ids_stay_valid_across_replicas_sharing_the_records_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session_id = identities.issue()
    monkeypatch.setenv("BOT_RECORDS_TOKEN", "records-secret-b")  # another stack
    assert not identities.was_issued(session_id)
    monkeypatch.setenv("BOT_RECORDS_TOKEN", "records-secret-a")  # a replica of the same stack
    assert identities.was_issued(session_id)


def test_without_a_records_secret_the_process_draws_its_own_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("BOT_RECORDS_TOKEN")
    session_id = identities.issue()
    assert identities.was_issued(session_id)
    monkeypatch.setenv("BOT_RECORDS_TOKEN", "records-secret-a")
    assert not identities.was_issued(session_id)


def test_a_made_up_id_with_non_ascii_letters_is_simply_not_issued() -> None:
    assert not identities.was_issued("a" * 24 + "đ" * 24)


@pytest.mark.parametrize(
    "sender",
    [
        "abc-123",
        "widget_7f3a",
        "0123456789abcdef0123456789abcdef",
        "3f2b8c1e-9d4a-4b6e-8f1a-2c3d4e5f6a7b",
    ],
)
def test_ordinary_senders_and_uuids_are_stored_as_given(sender: str) -> None:
    assert identities.stored_conversation_id(sender) == sender


@pytest.mark.parametrize("sender", ["0912345678", "079123456789", "an.nguyen@example.vn"])
def test_a_sender_that_is_personal_data_is_stored_as_a_keyed_hash(sender: str) -> None:
    stored = identities.stored_conversation_id(sender)
    assert re.fullmatch(r"h[a-z]{32}", stored)
    assert identities.stored_conversation_id(sender) == stored  # the same conversation every time
    assert identities.stored_conversation_id(sender + "0") != stored


def test_the_stored_hash_depends_on_the_records_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    first = identities.stored_conversation_id("0912345678")
    monkeypatch.setenv("BOT_RECORDS_TOKEN", "records-secret-b")
    assert identities.stored_conversation_id("0912345678") != first


def test_an_address_token_is_32_hex_characters_keyed_and_stable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = identities.address_key("203.0.113.9")
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    assert identities.address_key("203.0.113.9") == token
    assert identities.address_key("203.0.113.10") != token
    monkeypatch.setenv("BOT_RECORDS_TOKEN", "records-secret-b")
    assert identities.address_key("203.0.113.9") != token
