"""Optimistic concurrency for texts several people edit (SPEC §5: concurrent edits are detected,
never silently overwritten): an edit names the version it started from, and is saved only if
that is still the current version."""


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
