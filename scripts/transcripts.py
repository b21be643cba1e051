"""Record transcripts of the guided forms from the running bot (REST channel), as Markdown.

Starts its own stack on spare ports, plays each scripted conversation, and writes what the
bot really answered, so the dialogue documentation never drifts from the bot.
Usage: .venv/bin/python -m scripts.transcripts [--out docs/evaluation/transcript-forms.md]
"""

import argparse
import datetime as dt
import json
import sys
import tempfile
import uuid
from pathlib import Path

import httpx

from stack.services import REPO_ROOT, Stack, StackConfig

CONVERSATIONS: dict[str, list[str]] = {
    "VNeID login troubleshooting (new phone without NFC), typed without diacritics": [
        "vneid ko vao duoc",
        '/inform{"login_step": "new_phone"}',
        "/deny",
    ],
    "Level-4 submission: a procedure the knowledge base describes, interrupted by a question": [
        "huong dan toi nop ho so toan trinh tu dau den cuoi",
        "đăng ký xe máy mới",
        "lệ phí nộp online có được giảm không",
        '/inform{"service_portal": "national"}',
    ],
    "Level-4 submission: a procedure the knowledge base lacks, provincial portal": [
        "giúp tôi nộp hồ sơ online với",
        "cấp giấy phép xây dựng nhà ở",
        '/inform{"service_portal": "provincial"}',
    ],
    "Choosing a digital signature (company, tax filing, USB token)": [
        "cong ty minh nen chon chu ky so loai nao",
        '/inform{"signature_holder": "organisation"}',
        '/inform{"signature_purpose": "tax_invoice"}',
        '/inform{"signature_carrier": "token"}',
    ],
    "Choosing a digital signature, cancelled half-way": [
        "tư vấn giúp tôi chọn chữ ký số",
        '/inform{"signature_holder": "individual"}',
        "thôi",
    ],
}
MAX_TEXT = 300


def render_reply(reply: dict) -> list[str]:
    lines = []
    if "text" in reply:
        text = reply["text"].replace("\n", " / ")
        lines.append(f"  bot: {text[:MAX_TEXT]}{'…' if len(text) > MAX_TEXT else ''}")
    if reply.get("buttons"):
        lines.append(f"  buttons: {[b['title'] for b in reply['buttons']]}")
    if "custom" in reply:
        custom = {**reply["custom"], "sources": [s["id"] for s in reply["custom"]["sources"]]}
        lines.append(f"  custom: {json.dumps(custom, ensure_ascii=False)}")
    return lines


def play(stack: Stack, messages: list[str]) -> list[str]:
    url = f"{stack.config.url(stack.config.rasa_port)}/webhooks/rest/webhook"
    sender = uuid.uuid4().hex
    lines = []
    for message in messages:
        replies = httpx.post(url, json={"sender": sender, "message": message}, timeout=60).json()
        lines.append(f"> {message}")
        for reply in replies:
            lines.extend(render_reply(reply))
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "evaluation" / "transcript-forms.md")
    parser.add_argument("--port-offset", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        config = StackConfig(
            rasa_port=5105 + args.port_offset,
            actions_port=5155 + args.port_offset,
            knowledge_port=8100 + args.port_offset,
            tracker_db=Path(workdir) / "trackers.db") / "records.sqlite3",
            log_dir=Path(workdir) / "logs",
            model_dir=REPO_ROOT / "models" / "tro-ly-dich-vu-cong.tar.gz",
        )
        sections = [
            "# Transcripts: the three guided forms",
            "",
            f"Recorded from the running bot (REST channel) by `scripts/transcripts.py`, {dt.date.today()}.",
            "Answers are cut at 300 characters; `custom` is the response contract with source ids.",
        ]
        with Stack(config) as stack:
            for title, messages in CONVERSATIONS.items():
                sections += ["", f"## {title}", "", "```", *play(stack, messages), "```"]
    args.out.write_text("\n".join(sections) + "\n", encoding="utf-8")
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
