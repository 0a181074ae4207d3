"""009: when an employee was last invited by e-mail (issue 11, routine 000 "Legge til
tilsette"): set when the invitation is sent, cleared when the employee sets a password.
``webapp.models.Person.invited_at``."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("person", invited_at=pw.DateTimeField(null=True))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("person", "invited_at")
