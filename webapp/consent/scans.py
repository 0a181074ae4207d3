"""Scanned paper consent forms (SPEC §3.1.5): checked by their first bytes, stored under the
instance folder with a random name (never under ``static/``), served only through a
policy-checked route."""

import hashlib
import os
import secrets
from datetime import datetime, time

from flask import abort, current_app

from webapp.models import oslo_today

SCAN_TYPES = (
    (b"%PDF-", ".pdf", "application/pdf"),
    (b"\xff\xd8\xff", ".jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", ".png", "image/png"),
)
SCAN_MAX_BYTES = 8 * 1024 * 1024  # the whole request is capped at MAX_CONTENT_LENGTH (10 MB)


def sniff_scan(head):
    """``(extension, mimetype)`` for a PDF, JPEG or PNG by its first bytes, else ``None``."""
    for magic, extension, mimetype in SCAN_TYPES:
        if head.startswith(magic):
            return extension, mimetype
    return None


def uploads_dir():
    path = os.path.join(current_app.instance_path, "uploads")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def store_scan(storage):
    """Save an uploaded scan under a random name outside ``static/``; return (name, sha256)."""
    data = storage.stream.read(SCAN_MAX_BYTES + 1)
    extension, _ = sniff_scan(data[:16])
    name = secrets.token_hex(16) + extension
    with open(os.path.join(uploads_dir(), name), "xb") as out:
        out.write(data)
    return name, hashlib.sha256(data).hexdigest()


def scan_path(name):
    """The stored scan's path, or 404 (only names this module wrote are served)."""
    if not name or os.path.basename(name) != name:
        abort(404)
    path = os.path.join(uploads_dir(), name)
    if not os.path.isfile(path):
        abort(404)
    return path


def scan_mimetype(name):
    extension = os.path.splitext(name)[1]
    return next((m for _, e, m in SCAN_TYPES if e == extension), "application/octet-stream")


def paper_datetime(day):
    """The date written on the paper form, as a timestamp (noon, so no time zone moves it)."""
    if isinstance(day, datetime):
        return day
    return datetime.combine(day or oslo_today(), time(12, 0))
