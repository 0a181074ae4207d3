"""The yearly download to the archive system (routine 004: "må årleg lastast ned og lagrast i
Acos websak"): the archive PDF of every log of a unit, or of a municipality, that existed in a
year, written into a folder with a manifest an archivist can import (``manifest.csv``: plan,
file, SHA-256, size, status and dates). An archived log's stored PDF is copied as it was
archived; any other log is rendered as it stands today. Deleted logs are left out."""

import csv
import hashlib
import os
import shutil
from datetime import datetime

from flask_babel import force_locale

from webapp.archive import pdf, service
from webapp.models import Municipality, Plan, PlanArchive, Unit, oslo_today

MANIFEST = "manifest.csv"
COLUMNS = ("plan", "file", "sha256", "size", "status", "created", "closed", "archived",
           "printed")


def plans_for_year(year, unit_id=None, municipality_number=None):
    """The logs of the unit (or the municipality) that existed in ``year``, by id."""
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    query = Plan.select(Plan).where(
        (Plan.status != Plan.DELETED)
        & (Plan.created_at < end)
        & (Plan.archived_at.is_null() | (Plan.archived_at >= start))
    )
    if unit_id is not None:
        query = query.where(Plan.unit == unit_id)
    if municipality_number is not None:
        query = query.join(Municipality, on=(Plan.municipality == Municipality.id)).where(
            Municipality.number == municipality_number)
    return list(query.order_by(Plan.id))


def _iso(value):
    return value.date().isoformat() if value else ""


def export_year(folder, year, unit_id=None, municipality_number=None, language="nn"):
    """Write the PDFs and ``manifest.csv`` into ``folder``; returns the manifest's rows."""
    os.makedirs(folder, mode=0o700, exist_ok=True)
    printed = oslo_today()
    rows = []
    archives = {
        archive.plan_id: archive
        for archive in PlanArchive.select().where(
            PlanArchive.file_deleted_at.is_null()).order_by(
            PlanArchive.created_at, PlanArchive.id)
    }
    for plan in plans_for_year(year, unit_id, municipality_number):
        name = f"stafettlogg-{plan.id}-{year}.pdf"
        path = os.path.join(folder, name)
        archive = archives.get(plan.id) if plan.status == Plan.ARCHIVED else None
        if archive is not None:
            shutil.copyfile(service.archive_path(archive), path)
        else:
            with force_locale(language):
                data = pdf.render_pdf(plan, printed)
            with open(path, "wb") as out:
                out.write(data)
        with open(path, "rb") as written:
            data = written.read()
        rows.append({
            "plan": plan.id, "file": name, "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data), "status": plan.status, "created": _iso(plan.created_at),
            "closed": _iso(plan.closed_at), "archived": _iso(plan.archived_at),
            "printed": printed.isoformat(),
        })
    with open(os.path.join(folder, MANIFEST), "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def unit_exists(unit_id):
    return Unit.select().where(Unit.id == unit_id).exists()
