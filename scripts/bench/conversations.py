"""The messages the benchmark sends, and what an idle stack answers to each.

Greetings are a plain Rasa utter (NLU + policies, no action server); the questions go
through `action_answer_question` to the knowledge service and come back as `answer` turns.
"""

import logging
import uuid

import httpx

from scripts.bench.loadgen import Turn, payload_type, send_turn

logger = logging.getLogger(__name__)

GREETINGS = ["xin chào", "chào bạn"]
THANKS = "cảm ơn bạn"
QUESTIONS = [
    "quen mat khau vneid thi lam sao",
    "Không nhận được mã OTP khi kích hoạt VNeID",
    "dich vu cong muc do 4 la gi",
    "Chữ ký số giá bao nhiêu?",
    "doi dien thoai moi dang nhap vneid the nao",
    "nop ho so truc tuyen tren cong dich vu cong quoc gia nhu the nao",
    "chữ ký số dùng để làm gì",
]


def _rotated(questions: list[str], start: int, count: int) -> list[str]:
    return [questions[(start + i) % len(questions)] for i in range(count)]


def latency_conversations(questions: list[str], pairs: int = 3) -> list[list[Turn]]:
    """Greeting, answer, greeting, answer…: both kinds see the same load at the same time.
    The opening greeting also starts the session (a new tracker), so it is kept apart:
    the baseline is a greeting in the middle of a conversation, as every answer is."""
    conversations = []
    for i in range(len(questions)):
        turns = [
            turn
            for j, q in enumerate(_rotated(questions, i, pairs))
            for turn in (Turn("greeting", GREETINGS[j % len(GREETINGS)]), Turn("answer", q))
        ]
        conversations.append([Turn("opening", turns[0].message), *turns[1:]])
    return conversations


def citizen_conversations(questions: list[str]) -> list[list[Turn]]:
    """A typical short conversation: hello, three questions, thanks (60 % answer turns)."""
    return [
        [
            Turn("opening", GREETINGS[i % len(GREETINGS)]),
            *(Turn("answer", q) for q in _rotated(questions, i, 3)),
            Turn("thanks", THANKS),
        ]
        for i in range(len(questions))
    ]


async def _idle_outcomes(url: str, messages: list[str]) -> dict[str, str]:
    outcomes: dict[str, str] = {}
    async with httpx.AsyncClient(timeout=60) as client:
        for message in messages:
            for _ in range(2):  # the first turn of a fresh process also warms its caches
                status, reply = await send_turn(
                    client, url, f"warmup-{uuid.uuid4().hex[:8]}", message
                )
            outcomes[message] = payload_type(reply) if status == "ok" else status
    return outcomes


def idle_outcomes(url: str) -> tuple[dict[str, str], list[str]]:
    """Each message's payload type on the idle stack (what a turn must get under load), and
    the questions that the bot answers from a document (the ones used as answer turns)."""
    import asyncio

    outcomes = asyncio.run(_idle_outcomes(url, [*GREETINGS, THANKS, *QUESTIONS]))
    answered = [q for q in QUESTIONS if outcomes[q] == "answer"]
    for question in sorted(set(QUESTIONS) - set(answered)):
        logger.warning(
            "Not an answer turn on the idle stack (%s), left out: %s", outcomes[question], question
        )
    if not answered:
        raise RuntimeError(f"No benchmark question was answered on the idle stack: {outcomes}")
    return outcomes, answered
