"""013: ID-porten login and signing (issue 12): a keyed hash of a family member's identity
number on ``person``, the authentication's level, means and time on ``auth_session`` and on
``signature`` (the signature's seal covers them), and the id_token for ID-porten's logout."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("person", pid_hash=pw.CharField(max_length=64, null=True, unique=True))
    migrator.add_fields(
        "auth_session",
        acr=pw.CharField(max_length=40, null=True),
        amr=pw.CharField(max_length=100, null=True),
        auth_time=pw.DateTimeField(null=True),
        id_token=pw.TextField(null=True),
    )
    migrator.add_fields(
        "signature",
        acr=pw.CharField(max_length=40, null=True),
        amr=pw.CharField(max_length=100, null=True),
        authenticated_at=pw.DateTimeField(null=True),
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("signature", "acr", "amr", "authenticated_at")
    migrator.remove_fields("auth_session", "acr", "amr", "auth_time", "id_token")
    migrator.remove_fields("person", "pid_hash")
