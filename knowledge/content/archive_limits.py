"""Reading an uploaded ZIP (a Word file is one too) without letting it inflate past a limit.

A small upload can hold parts that inflate a thousandfold (a 62 KB .docx held 40 MB of
empty paragraphs), and a ZIP's directory can lie about sizes. So every member is checked
twice: its declared size before anything is inflated, then its real size while it is read
in chunks, stopping as soon as it passes the limit. Nothing past the limit is ever held.
"""

import copy
import io
import lzma
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from knowledge.config import Settings
from knowledge.platform import messages
from knowledge.platform.errors import InvalidInput, TooLarge

CHUNK_BYTES = 64 * 1024
MAX_MEMBERS = 5000  # a Word file has about twenty; a document archive one per document
_NAME_SHOWN = 120  # a member's name is the uploader's text: shown, but not at any length


@dataclass(frozen=True)
class ArchiveLimits:
    """How far the members of one upload may inflate: each, and all together."""

    member_bytes: int
    total_bytes: int
    max_members: int = MAX_MEMBERS

    @classmethod
    def from_settings(cls, settings: Settings) -> "ArchiveLimits":
        return cls(settings.admin_max_inflated_member_bytes, settings.admin_max_inflated_bytes)


def megabytes(size: int) -> str:
    """A limit as staff read it: "5", "1,5" (Vietnamese decimal comma)."""
    return f"{round(size / 1_000_000, 3):g}".replace(".", ",")


def _member_too_large(name: str, limit: int) -> TooLarge:
    return TooLarge(
        messages.INFLATED_MEMBER_TOO_LARGE.format(name=name[:_NAME_SHOWN], limit=megabytes(limit))
    )


def _total_too_large(limit: int) -> TooLarge:
    return TooLarge(messages.INFLATED_TOTAL_TOO_LARGE.format(limit=megabytes(limit)))


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes | None:
    """The member's real bytes, or None once they pass `cap` (reading stops there).

    zipfile stops at the size the directory declares, silently, and `read()` inflates a
    whole compressed stream before cutting it; so the member is opened with our cap as its
    size and read in chunks, and its CRC and declared size are checked here instead.
    """
    probe = copy.copy(info)
    probe.file_size = cap + 1
    del probe.CRC  # zipfile checks the CRC only when it knows one; it would fail at our cap
    parts, size, crc = [], 0, 0
    with archive.open(probe) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            size += len(chunk)
            if size > cap:
                return None
            crc = zlib.crc32(chunk, crc)
            parts.append(chunk)
    if size != info.file_size:
        raise InvalidInput(
            messages.INVALID_ARCHIVE,
            [
                messages.ARCHIVE_SIZE_MISMATCH.format(
                    name=info.filename[:_NAME_SHOWN], declared=info.file_size, actual=size
                )
            ],
        )
    if crc != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename[:_NAME_SHOWN]!r}")
    return b"".join(parts)


def read_members(
    data: bytes, limits: ArchiveLimits, wanted: Callable[[zipfile.ZipInfo], bool] = lambda _: True
) -> list[tuple[str, bytes]]:
    """(name, bytes) of the `wanted` files of a ZIP, in archive order, or TooLarge (413)
    naming the member and the limit, or InvalidInput (422) for a broken or encrypted ZIP.
    Members not wanted are never inflated, so they are not counted."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [i for i in archive.infolist() if not i.is_dir() and wanted(i)]
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise InvalidInput(messages.INVALID_ARCHIVE, [f"zip: {exc}"]) from exc
    if len(members) > limits.max_members:
        raise TooLarge(
            messages.ARCHIVE_TOO_MANY_MEMBERS.format(count=len(members), limit=limits.max_members)
        )
    if oversized := next((i for i in members if i.file_size > limits.member_bytes), None):
        raise _member_too_large(oversized.filename, limits.member_bytes)
    if sum(i.file_size for i in members) > limits.total_bytes:
        raise _total_too_large(limits.total_bytes)
    read: list[tuple[str, bytes]] = []
    total = 0
    for info in members:
        cap = min(limits.member_bytes, limits.total_bytes - total)
        try:
            content = _inflate(archive, info, cap)
        except (
            zipfile.BadZipFile,
            OSError,
            EOFError,
            ValueError,
            RuntimeError,
            NotImplementedError,
            zlib.error,
            lzma.LZMAError,
        ) as exc:
            raise InvalidInput(
                messages.INVALID_ARCHIVE, [f"{info.filename[:_NAME_SHOWN]}: {exc}"]
            ) from exc
        if content is None:
            raise (
                _member_too_large(info.filename, cap)
                if cap == limits.member_bytes
                else _total_too_large(limits.total_bytes)
            )
        total += len(content)
        read.append((info.filename, content))
    return read


def rebuilt_zip(members: list[tuple[str, bytes]]) -> bytes:
    """The checked members as a new, uncompressed ZIP, so a library that reads the upload
    sees exactly the bytes that were checked (a later member of the same name wins, as in
    zipfile)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in dict(members).items():
            archive.writestr(name, content)
    return buffer.getvalue()
