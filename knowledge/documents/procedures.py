"""Procedure documents: named sections, each retrieved on its own.

A procedure document (front matter `kind: procedure`, docs/planning/procedure_format.md) has
a lead paragraph and up to nine sections under fixed `##` headings, in a fixed order. A
section with no sourced fact is left out of the document, so that a question about it gets
an honest "no information" with the procedure's portal page instead of a guess.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from shared.text import expand_abbreviations, normalize_for_matching


class SectionKey(StrEnum):
    SUMMARY = "summary"  # the lead paragraph before the first heading
    WHO = "who"
    WHERE = "where"
    STEPS = "steps"
    PAPERS = "papers"
    TIME = "time"
    FEE = "fee"
    RESULT = "result"
    LEGAL = "legal"
    NOTES = "notes"


HEADINGS: dict[SectionKey, str] = {
    SectionKey.WHO: "Ai được nộp",
    SectionKey.WHERE: "Nộp ở đâu",
    SectionKey.STEPS: "Các bước",
    SectionKey.PAPERS: "Giấy tờ cần có",
    SectionKey.TIME: "Thời hạn giải quyết",
    SectionKey.FEE: "Lệ phí",
    SectionKey.RESULT: "Nhận kết quả",
    SectionKey.LEGAL: "Căn cứ pháp lý",
    SectionKey.NOTES: "Lưu ý",
}
SUMMARY_HEADING = "Tóm tắt"
KEY_OF_HEADING = {heading: key for key, heading in HEADINGS.items()}
ORDER = list(HEADINGS)
_HEADING_LINE = re.compile(r"^##[ \t]+(.+?)[ \t]*$", re.MULTILINE)


def heading_of(key: SectionKey) -> str:
    return SUMMARY_HEADING if key is SectionKey.SUMMARY else HEADINGS[key]


# `unknown` is a value: where the sources do not say, a writer says so instead of picking one,
# and the bot reads it out as "chưa xác nhận" (never as a fact).
UNKNOWN = "unknown"


class Authority(StrEnum):
    COMMUNE = "commune"
    PROVINCE = "province"
    MINISTRY = "ministry"
    UNKNOWN = UNKNOWN


class OnlineLevel(StrEnum):
    FULL = "full"  # toàn trình
    PARTIAL = "partial"  # một phần trực tuyến
    IN_PERSON = "in_person"
    UNKNOWN = UNKNOWN


class FilingChannel(StrEnum):
    VNEID = "vneid"
    NATIONAL_PORTAL = "national_portal"
    MINISTRY_PORTAL = "ministry_portal"
    PROVINCIAL_PORTAL = "provincial_portal"
    UNKNOWN = UNKNOWN  # alone: where a citizen files online is not confirmed


@dataclass(frozen=True)
class Section:
    key: SectionKey
    heading: str
    text: str


def split_sections(body: str) -> list[Section]:
    """The lead paragraph (summary) and each `##` section, in the order written."""
    matches = list(_HEADING_LINE.finditer(body))
    lead = body[: matches[0].start()] if matches else body
    sections = [Section(SectionKey.SUMMARY, SUMMARY_HEADING, lead.strip())] if lead.strip() else []
    for match, following in zip(matches, [*matches[1:], None]):
        heading = match.group(1).strip()
        text = body[match.end() : following.start() if following else len(body)].strip()
        key = KEY_OF_HEADING.get(heading)
        if key is not None and text:
            sections.append(Section(key, heading, text))
    return sections


def section_problems(body: str) -> list[str]:
    """Why a procedure body's headings are not the named sections in order (Vietnamese)."""
    problems = []
    headings = [m.group(1).strip() for m in _HEADING_LINE.finditer(body)]
    unknown = [h for h in headings if h not in KEY_OF_HEADING]
    if unknown:
        allowed = ", ".join(HEADINGS.values())
        problems.append(f"mục không hợp lệ: {', '.join(unknown)[:120]} (chỉ dùng: {allowed})")
    known = [KEY_OF_HEADING[h] for h in headings if h in KEY_OF_HEADING]
    if len(set(known)) != len(known):
        problems.append("mỗi mục chỉ được xuất hiện một lần")
    if known != sorted(known, key=ORDER.index):
        problems.append("các mục phải theo đúng thứ tự: " + ", ".join(HEADINGS.values()))
    sections = split_sections(body)
    if not sections or sections[0].key is not SectionKey.SUMMARY:
        problems.append("thủ tục cần một đoạn mở đầu trước mục đầu tiên")
    if len([s for s in sections if s.key is not SectionKey.SUMMARY]) < len(headings):
        problems.append("mục không có nội dung: bỏ hẳn mục khi chưa có thông tin có nguồn")
    if not headings:
        problems.append("thủ tục cần ít nhất một mục (## …)")
    return problems


# What a citizen's words say they want to know, on folded lower-case text; the first cue
# that matches wins, so the narrower asks come first: "lệ phí hộ chiếu theo thông tư nào" asks
# for the legal basis, "các bước … là gì" for the steps, "bao lâu có kết quả" for the time,
# "nhận kết quả ở đâu" for the result.
SECTION_CUES: list[tuple[SectionKey, re.Pattern[str]]] = [
    (
        SectionKey.LEGAL,
        re.compile(
            r"\b(can cu|phap ly|(nghi dinh|thong tu|luat|dieu|van ban|quyet dinh|chi thi"
            r"|quy dinh|khoan) nao|quy dinh o|nam o (luat|dieu|nghi dinh|thong tu)"
            r"|theo luat|o luat)\b"
        ),
    ),
    (
        SectionKey.STEPS,
        re.compile(
            r"\b(cac buoc|nhung buoc|buoc nao|bam nhung gi|bam gi|dien nhung|tung buoc"
            r"|trinh tu|quy trinh|thao tac)\b"
        ),
    ),
    (
        SectionKey.SUMMARY,
        re.compile(
            r"\b(online duoc khong|truc tuyen duoc khong|online dc khong|online duoc ko"
            r"|online dc ko|co lam online|lam online duoc|co toan trinh|toan trinh khong"
            r"|co phai den|phai di|la gi|la thu tuc gi|la cai gi|la sao)\b"
        ),
    ),
    (
        SectionKey.TIME,
        re.compile(
            r"\b(bao lau|may ngay|bao nhieu ngay|thoi han|thoi gian|bao gio|khi nao co|lau khong"
            r"|lau ko|lau k|mat may|may hom|bao nhieu lau|may tuan|trong ngay|lay ngay)\b"
        ),
    ),
    (
        SectionKey.RESULT,
        re.compile(
            r"\b(nhan ket qua|tra ket qua|ket qua|nhan ban|nhan qua buu|buu chinh|buu dien"
            r"|ban dien tu|ban giay|trich luc dien tu|nhan o dau|nhan giay|cap giay gi"
            r"|duoc cap (giay|phieu|ban)|nhan lai giay|gui ve nha|tra ve|nhan kieu gi|nhan the"
            r"|nhan sao|nhan bang cach)\b"
        ),
    ),
    (
        SectionKey.FEE,
        re.compile(
            r"\b(le phi|phi(?! dia gioi)|bao nhieu tien|het bao nhieu|mat bao nhieu|ton bao nhieu"
            r"|chi phi|mien phi|thu phi|nop tien|gia bao nhieu|bn tien|may tien|tra tien"
            r"|het bn|mat bn|ton bn|bao nhieu xu|dong tien|tinh tien|thu tien|ton tien|muc thu|tien dong"
            r"|dong bao nhieu)\b"
        ),
    ),
    (
        SectionKey.WHERE,
        re.compile(
            r"\b(o dau|nop o dau|noi nop|cho nao|cong nao|lam o dau|nop dau|dau nop|tren dau"
            r"|app nao|ung dung nao|trang nao|web nao|co quan nao|len dau|ra dau|qua dau"
            r"|kenh nao|xa nao|phuong nao|len phuong|len xa|len tinh|len huyen|phai len)\b"
        ),
    ),
    (
        SectionKey.PAPERS,
        re.compile(
            r"\b(giay to|ho so gom|can mang|mang gi|mang theo|can gi|thanh phan|chuan bi"
            r"|can nhung gi|ban sao|to khai|can nhung giay|giay gi|nhung gi)\b"
        ),
    ),
    (
        SectionKey.WHO,
        re.compile(
            r"\b(ai duoc|ai co the|doi tuong|nguoi nao|ai phai|ai lam|ai nop|duoc khong neu"
            r"|co duoc lam|dieu kien|ai trong|truong hop nao|ai di|ai dung ten)\b"
        ),
    ),
    (SectionKey.NOTES, re.compile(r"\b(luu y|chu y|can biet gi|canh bao|lua dao|de y)\b")),
    (
        SectionKey.STEPS,
        re.compile(r"\b(lam the nao|lam sao|the nao|cach lam|cach|huong dan|nhu the nao|ra sao)\b"),
    ),
]


def asked_sections(query: str) -> list[SectionKey]:
    """The sections the words of a query ask for, most specific first (may be empty); phone
    abbreviations are spelled out first ("ai dc lam" asks who may file)."""
    folded = normalize_for_matching(expand_abbreviations(query))
    return [key for key, cue in SECTION_CUES if cue.search(folded)]
