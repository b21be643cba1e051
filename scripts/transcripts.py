"""Record transcripts from the running bot (REST channel), as Markdown.

Starts its own stack on ports the kernel hands out, plays each scripted conversation, and
writes what the bot really answered, so the dialogue documentation never drifts from the bot.
Usage: .venv/bin/python -m scripts.transcripts [--set forms|procedures|listening] [--out FILE]
"""

import argparse
import datetime as dt
import json
import sys
import tempfile
import uuid
from pathlib import Path

import httpx

from stack.services import REPO_ROOT, Stack, StackConfig, free_ports

FORMS: dict[str, list[str]] = {
    "VNeID login troubleshooting (new phone without NFC), typed without diacritics": [
        "vneid ko vao duoc",
        '/inform{"login_step": "new_phone"}',
        "/deny",
    ],
    "Level-4 submission: the opening message names a catalogue procedure, without diacritics": [
        "toi muon nop ho so dang ky khai sinh online",
    ],
    "Level-4 submission: a procedure named when asked": [
        "huong dan toi nop ho so toan trinh tu dau den cuoi",
        "đăng ký xe máy mới",
    ],
    "Level-4 submission: an unclear name, the procedure picked from the offered ones": [
        "giúp tôi nộp hồ sơ online với",
        "đăng ký xe",
        "Sang tên xe (thu hồi đăng ký và đăng ký cho chủ mới)",
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
# Ten questions about ten procedures, half without diacritics, each asking for one section;
# then one about a section the procedure has no sourced fact for.
PROCEDURES: dict[str, list[str]] = {
    "Papers (đăng ký khai sinh)": ["đăng ký khai sinh cần giấy tờ gì"],
    "Fee, without diacritics (cấp hộ chiếu)": ["le phi lam ho chieu bao nhieu"],
    "Steps (lý lịch tư pháp)": ["Xin phiếu lý lịch tư pháp trên VNeID gồm những bước nào?"],
    "Processing time, without diacritics (đăng ký tạm trú)": ["dang ky tam tru online mat bao lau"],
    "Where to file (gia hạn BHYT hộ gia đình)": ["Gia hạn thẻ BHYT hộ gia đình nộp ở đâu?"],
    "Result, without diacritics (đổi giấy phép lái xe)": [
        "doi bang lai xe online nhan ket qua the nao"
    ],
    "Is it online (đăng ký kết hôn)": ["Đăng ký kết hôn có làm online được không?"],
    "Who may file, without diacritics (trợ cấp thất nghiệp)": [
        "tro cap that nghiep can dieu kien gi"
    ],
    "Papers (đăng ký thường trú)": ["Đăng ký thường trú cần chuẩn bị những giấy tờ gì?"],
    "Where to file, without diacritics (căn cước cho trẻ dưới 6 tuổi)": [
        "lam can cuoc cho con duoi 6 tuoi o dau"
    ],
    "A section with no sourced fact (nộp phạt giao thông)": [
        "Nộp phạt nguội qua cổng dịch vụ công theo văn bản nào?"
    ],
}
# The cases of issue 15 ("Listening like a person"), each as a citizen typed it.
LISTENING: dict[str, list[str]] = {
    **{
        f"Short message: {text}": [text]
        for text in (
            "Có thu phí không",
            "Phí hồ sơ online",
            "Không thanh toán được",
            "Thanh toán thất bại",
            "Xem trạng thái hồ sơ",
            "Kiểm tra tiến độ xử lý",
            "Xác thực tài khoản",
            "Thủ tục chữ ký số",
            "Đăng ký tài khoản",
            "Thời gian cấp VNeID cho tổ chức?",
            "Theo dõi tiến trình hồ sơ",
            "Đăng ký người dùng",
            "ko thanh toan dc",
        )
    },
    "The opening message names the procedure and the portal": [
        "cấp đổi giấy phép lái xe trên cổng quốc gia"
    ],
    "The signature form: holder and purpose in one answer": [
        "tư vấn giúp tôi chọn chữ ký số",
        "tôi là cá nhân, dùng để ký hồ sơ nộp trên cổng dịch vụ công",
    ],
    "The login form: a button's label typed instead of clicked": [
        "vneid ko vao duoc",
        "Không nhận được OTP",
    ],
    "The login form: one interruption, then a change of topic": [
        "vneid ko vao duoc",
        "chữ ký số là gì",
        "đăng ký tạm trú online mất bao lâu",
    ],
    "Follow-ups after a procedure answer": [
        "đăng ký khai sinh cần giấy tờ gì",
        "còn lệ phí thì sao?",
        "mất bao lâu?",
        "nộp ở đâu?",
    ],
    "A follow-up with a subject of its own is searched afresh": [
        "lam ho chieu can giay to gi",
        "còn đăng ký thường trú thì nộp ở đâu",
    ],
}
SETS = {
    "listening": (
        "Transcripts: short messages, slot filling, interruptions and follow-ups",
        LISTENING,
        "transcript-listening.md",
    ),
    "forms": ("Transcripts: the three guided forms", FORMS, "transcript-forms.md"),
    "procedures": ("Transcripts: procedure questions", PROCEDURES, "transcript-procedures.md"),
}
MAX_TEXT = 300


def render_reply(reply: dict) -> list[str]:
    lines = []
    if "text" in reply:
        text = reply["text"].replace("\n", " / ")
        lines.append(f"  bot: {text[:MAX_TEXT]}{'…' if len(text) > MAX_TEXT else ''}")
        last_line = reply["text"].rsplit("\n", 1)[-1]
        if len(text) > MAX_TEXT and last_line.startswith("Nguồn:"):  # the citation is never cut
            lines.append(f"       {last_line}")
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
    parser.add_argument("--set", choices=sorted(SETS), default="forms")
    parser.add_argument("--out", type=Path, help="Default: docs/evaluation/transcript-<set>.md")
    args = parser.parse_args()
    heading, conversations, file_name = SETS[args.set]
    out = args.out or REPO_ROOT / "docs" / "evaluation" / file_name
    with tempfile.TemporaryDirectory() as workdir:
        rasa_port, actions_port, knowledge_port = free_ports(3)
        config = StackConfig(
            rasa_port=rasa_port,
            actions_port=actions_port,
            knowledge_port=knowledge_port,
            tracker_db=Path(workdir) / "trackers.db",
            log_dir=Path(workdir) / "logs",
            model_dir=REPO_ROOT / "models" / "tro-ly-dich-vu-cong.tar.gz",
        )
        sections = [
            f"# {heading}",
            "",
            f"Recorded from the running bot (REST channel) by `scripts/transcripts.py --set {args.set}`, "
            f"{dt.date.today()}.",
            "Answers are cut at 300 characters; `custom` is the response contract with source ids.",
        ]
        with Stack(config) as stack:
            for title, messages in conversations.items():
                sections += ["", f"## {title}", "", "```", *play(stack, messages), "```"]
    out.write_text("\n".join(sections) + "\n", encoding="utf-8")
    print(f"Wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
