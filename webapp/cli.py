"""Command-line tasks: ``flask db upgrade``, ``flask demo-data``, ``flask send-outbox``,
``flask archive-year``."""

import os
import time

import click
from flask.cli import AppGroup

from webapp.db import database

MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")

db_cli = AppGroup("db", help="Database schema migrations.")


def router():
    from peewee_migrate import Router

    return Router(database.obj, migrate_dir=MIGRATIONS, ignore=["basemodel"])


def upgrade():
    """Apply every migration not yet applied (never drops and recreates)."""
    database.connect(reuse_if_open=True)
    try:
        router().run()
    finally:
        database.close()


@db_cli.command("upgrade")
def upgrade_command():
    """Apply pending schema migrations."""
    upgrade()
    click.echo("Database is up to date.")


@db_cli.command("migration")
@click.argument("name")
def migration_command(name):
    """Write a new migration from the difference between the models and the schema."""
    from webapp.models import MODELS

    database.connect(reuse_if_open=True)
    router().create(name, auto=MODELS)
    database.close()


@click.command("demo-data")
def demo_data_command():
    """Load the fictional demo municipality (once) and print the demo logins."""
    from webapp.demo import DEMO_PASSWORD, load_demo

    database.connect(reuse_if_open=True)
    try:
        logins = load_demo()
    finally:
        database.close()
    click.echo("Demo logins (password for all: %s):" % DEMO_PASSWORD)
    for role, email in logins:
        click.echo(f"  {role:<34} {email}")


@click.command("send-outbox")
@click.option("--loop", is_flag=True, help="Keep sending, every --interval seconds.")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between runs.")
@click.option("--limit", default=100, show_default=True, help="Messages per run at most.")
def send_outbox_command(loop, interval, limit):
    """Send the e-mails and text messages that are due (run from cron, or with --loop)."""
    from webapp.outbox import send_due

    while True:
        database.connect(reuse_if_open=True)
        try:
            sent, failed = send_due(limit=limit)
        finally:
            database.close()
        if sent or failed or not loop:
            click.echo(f"Outbox: {sent} sent, {failed} failed (kept for a later attempt).")
        if not loop:
            break
        if sent == limit:
            continue  # more may be waiting
        time.sleep(interval)


@click.command("archive-year")
@click.option("--year", type=int, required=True, help="The year whose logs are written.")
@click.option("--unit", "unit_id", type=int, help="The unit's id (or give --municipality).")
@click.option("--municipality", "municipality_number",
              help="The municipality's number (kommunenummer), for all its units.")
@click.option("--out", "folder", required=True, type=click.Path(file_okay=False),
              help="The folder to write the PDFs and manifest.csv into.")
@click.option("--language", default="nn", type=click.Choice(["nn", "nb"]), show_default=True)
def archive_year_command(year, unit_id, municipality_number, folder, language):
    """Write the archive PDFs of a unit's (or a municipality's) logs of a year into a folder,
    with manifest.csv (plan, file, SHA-256, dates) for the archive system (routine 004)."""
    from webapp.archive.export import MANIFEST, export_year, unit_exists

    if (unit_id is None) == (municipality_number is None):
        raise click.UsageError("Give either --unit or --municipality.")
    database.connect(reuse_if_open=True)
    try:
        if unit_id is not None and not unit_exists(unit_id):
            raise click.UsageError(f"No unit with id {unit_id}.")
        rows = export_year(folder, year, unit_id, municipality_number, language)
    finally:
        database.close()
    click.echo(f"{len(rows)} logs written to {folder}, with {MANIFEST}.")


def register_commands(app):
    from webapp.auditchain import audit_cli

    app.cli.add_command(db_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(send_outbox_command)
    app.cli.add_command(archive_year_command)
