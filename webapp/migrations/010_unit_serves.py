"""010: a unit of one municipality serving another (inter-municipal PPT or child welfare,
SPEC §2, issue 11); ``webapp.models.UnitServes``."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class UnitServes(pw.Model):
        id = pw.AutoField()
        unit = pw.ForeignKeyField(
            column_name="unit_id", field="id", model=migrator.orm["unit"], on_delete="CASCADE"
        )
        municipality = pw.ForeignKeyField(
            column_name="municipality_id", field="id", model=migrator.orm["municipality"],
            on_delete="CASCADE"
        )

        class Meta:
            table_name = "unit_serves"
            indexes = ((("unit", "municipality"), True),)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("unit_serves")
