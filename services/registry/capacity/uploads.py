"""Uploaded files (attendance sheet photos, MoU documents) under var/uploads, checked before they are kept."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from services.common.settings import env_int, var_dir
from services.registry.capacity.common import CapacityError

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
DOCUMENT_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png"}


def max_upload_bytes() -> int:
    return env_int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)


def uploads_dir() -> Path:
    folder = var_dir() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _check_size(data: bytes) -> None:
    if not data:
        raise CapacityError("Berkas kosong")
    if len(data) > max_upload_bytes():
        raise CapacityError(f"Berkas terlalu besar ({len(data) // 1024} KB; batas {max_upload_bytes() // 1024} KB)")


def save_image(data: bytes, folder: str, stem: str) -> str:
    """Keep an image (JPEG/PNG/WEBP, judged by content, not by name); returns its path under var/uploads."""
    _check_size(data)
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise CapacityError("Berkas bukan gambar yang dapat dibaca (gunakan foto JPG atau PNG)") from None
    if kind not in IMAGE_FORMATS:
        raise CapacityError(f"Jenis gambar {kind} tidak diterima (gunakan JPG, PNG atau WEBP)")
    return _store(data, folder, stem, IMAGE_FORMATS[kind])


def save_document(data: bytes, filename: str, folder: str, stem: str) -> str:
    """Keep a signed document (PDF or photo); the PDF is recognised by its header, not only its name."""
    _check_size(data)
    suffix = Path(filename or "").suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise CapacityError("Dokumen harus berupa PDF, JPG atau PNG")
    if suffix == ".pdf":
        if not data.startswith(b"%PDF-"):
            raise CapacityError("Berkas PDF tidak sah")
        return _store(data, folder, stem, "pdf")
    return save_image(data, folder, stem)


def _store(data: bytes, folder: str, stem: str, extension: str) -> str:
    digest = hashlib.sha256(data).hexdigest()[:16]
    relative = Path(folder) / f"{stem}-{digest}.{extension}"
    target = uploads_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return relative.as_posix()
