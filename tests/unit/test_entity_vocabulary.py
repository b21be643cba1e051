"""The phrase vocabulary the forms' entity extractor uses (bot/entities.yml)."""

import json
import re
from pathlib import Path

import pytest
import yaml

from bot.components.phrase_vocabulary import find_entities, read_vocabulary
from knowledge.config import REPO_ROOT

VOCABULARY = read_vocabulary(REPO_ROOT / "bot" / "entities.yml")
DOMAIN = yaml.safe_load((REPO_ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
# Buttons whose payload is an intent, not an entity: the typed label's entity stands for it.
INTENT_PAYLOADS = {
    ("utter_ask_has_nfc", "/affirm"): ("nfc", "true"),
    ("utter_ask_has_nfc", "/deny"): ("nfc", "false"),
}
_INFORM = re.compile(r"^/inform(\{.*\})$")


def _form_buttons() -> list[tuple[str, str, str, str]]:
    """(response, label, entity, value) of every button a form question offers."""
    rows = []
    for name, variants in DOMAIN["responses"].items():
        if not name.startswith(("utter_ask_", "utter_reask_")):
            continue
        for button in variants[0].get("buttons") or []:
            inform = _INFORM.match(button["payload"].replace("{{", "{").replace("}}", "}"))
            if inform:
                ((entity, value),) = json.loads(inform.group(1)).items()
            else:
                entity, value = INTENT_PAYLOADS[(name.replace("reask", "ask"), button["payload"])]
            rows.append((name, button["title"], entity, value))
    return rows


def _found(text: str) -> dict[str, str]:
    return {entity["entity"]: entity["value"] for entity in find_entities(text, VOCABULARY)}


@pytest.mark.parametrize(("response", "label", "entity", "value"), _form_buttons())
def test_a_typed_button_label_fills_the_slot_its_click_fills(
    response: str, label: str, entity: str, value: str
) -> None:
    assert _found(label).get(entity) == value
    assert _found(label.lower()) == _found(label)


def test_every_form_question_has_buttons_and_a_short_form_with_the_same_ones() -> None:
    responses = DOMAIN["responses"]
    for name in [n for n in responses if n.startswith("utter_reask_")]:
        assert (
            responses[name][0]["buttons"] == responses[name.replace("reask", "ask")][0]["buttons"]
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "tôi là cá nhân, dùng để ký hồ sơ nộp trên cổng dịch vụ công",
            {"signature_holder": "individual", "signature_purpose": "public_service"},
        ),
        (
            "cty minh can ky so khai thue bang usb token",
            {
                "signature_holder": "organisation",
                "signature_purpose": "tax_invoice",
                "signature_carrier": "token",
            },
        ),
        ("cấp đổi giấy phép lái xe trên cổng quốc gia", {"service_portal": "national"}),
        (
            "vneid mat dien thoai roi",
            {"login_step": "lost_phone"},
        ),  # not new_phone: the longer phrase wins
        ("may ko co nfc", {"nfc": "false"}),  # "ko" is "không": not "có nfc"
        ("đổi máy mới, máy có nfc", {"login_step": "new_phone", "nfc": "true"}),
        ("quen mk vneid", {"login_step": "password"}),
        ("hộ kinh doanh cần chữ ký số không", {"signature_holder": "household_business"}),
        ("nộp qua app vneid", {"service_portal": "vneid"}),
        ("giá vàng hôm nay", {}),
    ],
)
def test_entities_are_found_in_free_text_with_or_without_diacritics(
    text: str, expected: dict[str, str]
) -> None:
    assert _found(text) == expected


def test_offsets_point_at_the_words_in_the_original_text() -> None:
    text = "Điện thoại tôi KHÔNG NHẬN ĐƯỢC OTP ạ"
    (entity,) = find_entities(text, VOCABULARY)
    assert text[entity["start"] : entity["end"]] == "KHÔNG NHẬN ĐƯỢC OTP"


def test_a_phrase_under_two_values_of_one_entity_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "entities.yml"
    path.write_text("login_step:\n  otp: [mã]\n  qr_login: [Mã]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="listed under login_step"):
        read_vocabulary(path)
