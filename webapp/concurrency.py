"""Optimistic concurrency for texts several people edit (SPEC §5: concurrent edits are detected,
never silently overwritten): an edit names the version it started from, and is saved only if
that is still the current version."""

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField

from webapp.audit import record_access


def save_if_current(model, row_id, version_field, started_from, **changes):
    """``UPDATE model SET changes, version = version + 1 WHERE id = row_id AND version =
    started_from``; True when saved, False when someone else saved first (nothing written)."""
    changes[version_field.name] = version_field + 1
    updated = (
        model.update(**changes)
        .where((model.id == row_id) & (version_field == started_from))
        .execute()
    )
    return updated == 1


def save_or_conflict(model, row, version_field, form, *, plan, editor, **changes):
    """Save ``changes`` to ``row`` if nobody saved it since the version ``form`` started from:
    ``None``, and the form's version moves on. Otherwise nothing is written and the row as saved
    now is returned (the conflict, shown beside the user's text), with the form's version set
    to it, so saving again after reading both keeps the user's text. Showing it is a read of
    ``plan``'s content by ``editor``, audited as the page's read (SPEC §4)."""
    if save_if_current(model, row.id, version_field, form.version.data, **changes):
        form.version.data += 1
        return None
    current = model.get_by_id(row.id)
    record_access(editor, plan, request.endpoint, "GET")
    form.version.data = getattr(current, version_field.name)
    return current


VERSION_MAX = 2**31 - 1  # the version columns are INTEGER


def parse_version(raw):
    """A posted version as a number from 0 to ``VERSION_MAX``; an empty one is 0 (as a new
    text's); anything else None."""
    raw = (raw or "").strip() if isinstance(raw, str) else str(raw)
    if not raw:
        return 0
    if not (raw.isascii() and raw.isdigit()) or int(raw) > VERSION_MAX:
        return None
    return int(raw)


class VersionField(HiddenField):
    """The version an edit started from, a hidden field. One that is not a version (a damaged
    or forged form) gives the form again with the typed text and this message, and the field
    then holds the version now saved (as on the edit page), so saving again works."""

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = parse_version(valuelist[0])
            if self.data is None:
                self.data = self.object_data
                raise ValueError(_l("The form was not complete. Check your text and save again."))
