"""Property: whatever the shape of an ID number, a phone number, a one-time code or a
password, no piece of it survives masking in text or metadata (hypothesis, seeded). A failure
prints the shrunk shape."""

import uuid
from typing import Any

from hypothesis import given, seed, settings

from shared.privacy import mask_sensitive, mask_value, private_conversation_id
from tests.pii_shapes import SEED, Shape, collected, shapes


def in_clear(shape: Shape) -> list[str]:
    masked = mask_sensitive(shape.message).text + repr(mask_value(shape.metadata)[0])
    return [secret for secret in shape.secrets if secret in masked]


@seed(SEED)
@settings(max_examples=1500, derandomize=True, database=None, deadline=None)
@given(shapes())
def test_no_shape_survives_masking(shape: Shape) -> None:
    assert in_clear(shape) == [], shape


def test_the_collected_corpus_is_deterministic_and_covers_every_family() -> None:
    first, second = collected(600), collected(600)
    assert first == second and len(first) == 600
    families = {shape.family.split("_")[0] for shape in first}
    assert families >= {"id", "phone", "otp", "password", "metadata"}


def test_masking_changes_only_what_it_found() -> None:
    text = "Cho hỏi: số 079\u200b123\u200b456\u200b789 và sđt O912345606, lệ phí 200.000 đồng?"
    masked = mask_sensitive(text).text
    assert (
        masked
        == "Cho hỏi: số [đã ẩn: số định danh] và sđt [đã ẩn: số điện thoại], lệ phí 200.000 đồng?"
    )


def test_metadata_keys_numbers_and_deep_values_are_masked() -> None:
    deep: Any = {"so": "079123456789"}
    for level in range(12):
        deep = {f"l{level}": deep}
    masked, kinds = mask_value(
        {"079123456788": "x", "cccd": 179123456744, "deep": deep, "ok": 3, "flag": True}
    )
    text = repr(masked)
    assert "079123456788" not in text and "179123456744" not in text and "079123456789" not in text
    assert masked["ok"] == 3 and masked["flag"] is True and kinds == {"id_number"}


def test_conversation_ids_that_are_personal_data_are_hashed_and_random_ones_kept() -> None:
    key = b"k" * 32
    for personal in [
        "0912345678",
        "079123456789",
        "citizen@example.vn",
        "web-0912345678",
        "+84912345678",
    ]:
        hashed = private_conversation_id(personal, key)
        assert (
            hashed != personal
            and hashed.isalpha()
            and hashed == private_conversation_id(personal, key)
        )
    for random_id in [uuid.UUID(int=n * 7919 + 10**30).hex for n in range(200)] + [
        str(uuid.uuid4()),
        "t1",
        "abc",
    ]:
        assert private_conversation_id(random_id, key) == random_id
    assert private_conversation_id("0" * 32, key) != "0" * 32  # digits only: not a random token
