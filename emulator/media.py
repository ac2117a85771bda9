"""Files the emulated server holds: uploads, file_ids, photo sizes and the getFile paths.

Image sizes are read from PNG / JPEG / GIF headers by hand: Pillow is not a dependency of
the bot and Telegram only needs width and height here.
"""

from __future__ import annotations

import itertools
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

from emulator.errors import IMAGE_PROCESS_FAILED, bad_request

THUMBNAIL_SIDE = 90
_EXTENSIONS = {"photo": "jpg", "sticker": "webp", "voice": "oga", "document": "bin"}
_FOLDERS = {"photo": "photos", "sticker": "stickers", "voice": "voice", "document": "documents"}


@dataclass
class UploadedFile:
    """One multipart file part of a request."""

    filename: str
    content_type: str
    content: bytes


@dataclass
class StoredFile:
    """A file Telegram knows by file_id; ``media`` is what messages carry for it."""

    file_id: str
    file_unique_id: str
    kind: str
    content: bytes
    file_path: str
    media: Any = None  # list of PhotoSize dicts for photos, one dict for other kinds
    extra: dict[str, Any] = field(default_factory=dict)

    def file_info(self) -> dict[str, Any]:
        """The File object getFile returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "file_path": self.file_path,
        }


def image_size(content: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, JPEG or GIF; Bad Request IMAGE_PROCESS_FAILED otherwise."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return width, height
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return width, height
    if content.startswith(b"RIFF") and content[8:12] == b"WEBP":
        return 512, 512  # Telegram accepts WebP; its header variants are not worth decoding here
    if content.startswith(b"\xff\xd8"):
        size = _jpeg_size(content)
        if size:
            return size
    raise bad_request(IMAGE_PROCESS_FAILED)


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 <= len(content):
        if content[index] != 0xFF:
            return None
        marker = content[index + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            index += 2
            continue
        (length,) = struct.unpack(">H", content[index + 2 : index + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", content[index + 5 : index + 9])
            return width, height
        index += 2 + length
    return None


def tiny_png(width: int = 2, height: int = 2) -> bytes:
    """A valid white PNG of the given size, for users sending photos."""

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff" * (3 * width) for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class FileStore:
    """All files by file_id and by download path."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = itertools.count(1)

    def add(self, kind: str, content: bytes, *, extension: str | None = None) -> StoredFile:
        """Store ``content`` under a fresh file_id."""
        number = next(self._counter)
        extension = extension or _EXTENSIONS.get(kind, "bin")
        stored = StoredFile(
            file_id=f"EMU{kind[:2].upper()}AAQ{number:06d}x{zlib.crc32(content):08x}",
            file_unique_id=f"AQ{number:06d}",
            kind=kind,
            content=content,
            file_path=f"{_FOLDERS.get(kind, 'documents')}/file_{number}.{extension}",
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, path: str) -> StoredFile | None:
        return self._by_path.get(path)

    def add_photo(self, content: bytes, size: tuple[int, int] | None = None) -> list[dict]:
        """Store a photo and its thumbnail; return the PhotoSize list a message carries."""
        width, height = size or image_size(content)
        sizes: list[dict[str, Any]] = []
        scale = THUMBNAIL_SIDE / max(width, height, 1)
        if scale < 1:
            thumb = self.add("photo", content)
            sizes.append(
                _photo_size(thumb, max(1, round(width * scale)), max(1, round(height * scale)))
            )
        full = self.add("photo", content)
        sizes.append(_photo_size(full, width, height))
        for size_dict in sizes:
            self._by_id[size_dict["file_id"]].media = sizes
        return sizes


def _photo_size(stored: StoredFile, width: int, height: int) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "width": width,
        "height": height,
        "file_size": len(stored.content),
    }
