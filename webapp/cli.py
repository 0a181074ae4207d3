"""Command-line tasks: ``flask db upgrade``, ``flask db analyze``, ``flask demo-data``,
``flask send-outbox``, ``flask archive-year``, ``flask outbox dead|retry``, ``flask backup``,
``flask restore``, ``flask create-municipality``."""

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
    """Apply every migration not yet applied (never drops and recreates), then refresh the
    query planner's statistics (``analyze``)."""
    database.connect(reuse_if_open=True)
    try:
        router().run()
        analyze()
    finally:
        database.close()


def analyze():
    """Refresh the query planner's statistics of every table (``ANALYZE``). PostgreSQL's
    autovacuum does it by itself; SQLite never does, and without statistics it chose a plan
    for the leader's worklist that took half as long again with 10,000 plans
    (bench/leader_cpu.py with and without --analyze). Run nightly from cron (README)."""
    database.execute_sql("ANALYZE")


@db_cli.command("upgrade")
def upgrade_command():
    """Apply pending schema migrations."""
    upgrade()
    click.echo("Database is up to date.")


@db_cli.command("analyze")
def analyze_command():
    """Refresh the query planner's statistics (nightly from cron; SQLite needs it)."""
    database.connect(reuse_if_open=True)
    try:
        analyze()
    finally:
        database.close()
    click.echo("Statistics refreshed.")


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


def _uploads_dir():
    from flask import current_app

    return os.path.join(current_app.instance_path, "uploads")


@click.command("backup")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="The folder in which a new backup folder is made.")
def backup_command(out_dir):
    """Back up the database and the uploaded consent scans into a new folder in --out."""
    from flask import current_app

    from webapp.backup import BackupError, backup

    os.makedirs(out_dir, mode=0o700, exist_ok=True)
    try:
        folder = backup(current_app.config["DATABASE_URL"], _uploads_dir(), out_dir)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {folder}")


@click.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--yes", is_flag=True, help="Replace the database without asking.")
def restore_command(folder, yes):
    """Replace the database and the uploaded scans with the backup in FOLDER (stop the
    application first). Every file is checked against the backup's manifest before."""
    from flask import current_app

    from webapp.backup import BackupError, check, restore

    try:
        manifest = check(folder)
        if not yes:
            click.confirm(
                f"Replace the database and the uploads with the backup of "
                f"{manifest.get('created_at')}?", abort=True)
        if not database.is_closed():
            database.close()
        restore(current_app.config["DATABASE_URL"], _uploads_dir(), folder)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored the backup of {manifest.get('created_at')}.")


outbox_cli = AppGroup("outbox", help="The notification outbox's dead letters.")


@outbox_cli.command("dead")
def outbox_dead_command():
    """List the messages set aside after OUTBOX_MAX_ATTEMPTS failed tries (dead letters)."""
    from webapp.outbox import dead_letters

    database.connect(reuse_if_open=True)
    try:
        messages = dead_letters()
    finally:
        database.close()
    for m in messages:
        click.echo(f"{m.id}\t{m.channel}\t{m.recipient}\t{m.attempts} tries\t"
                   f"set aside {m.dead_at:%Y-%m-%d %H:%M} UTC\t{m.last_error or ''}")
    click.echo(f"{len(messages)} dead letters.")


@outbox_cli.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "retry_all", is_flag=True, help="Queue every dead letter again.")
def outbox_retry_command(ids, retry_all):
    """Queue dead letters again (by id, or --all); the sender tries them at once."""
    from webapp.outbox import retry_dead

    if bool(ids) == retry_all:
        raise click.UsageError("Give the ids of the messages, or --all.")
    database.connect(reuse_if_open=True)
    try:
        count = retry_dead(None if retry_all else ids)
    finally:
        database.close()
    click.echo(f"{count} messages queued again.")


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


@click.command("create-municipality")
@click.option("--name", required=True, help="The municipality's name, e.g. 'Testvik kommune'.")
@click.option("--number", required=True, help="Its municipality number (kommunenummer), 4 digits.")
@click.option("--admin-name", required=True, help="The first administrator's full name.")
@click.option("--admin-email", required=True, help="The first administrator's work e-mail.")
def create_municipality_command(name, number, admin_name, admin_email):
    """First start: create a municipality and its administrator, and print a one-time link
    (valid for 7 days) where the administrator chooses a password."""
    import re

    from flask import current_app

    from webapp.account import tokens
    from webapp.admin.service import create_municipality
    from webapp.models import Municipality, Person

    name, number, admin_name = name.strip(), number.strip(), admin_name.strip()
    admin_email = admin_email.strip().lower()
    if not name or len(name) > 100:
        raise click.UsageError("--name: write the municipality's name (at most 100 characters).")
    if not re.fullmatch(r"\d{4}", number):
        raise click.UsageError("--number: a municipality number has four digits.")
    if not admin_name or len(admin_name) > 200 or re.search(r"[<>]", admin_name):
        raise click.UsageError("--admin-name: write the name (at most 200 characters, no < >).")
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", admin_email) or len(admin_email) > 254:
        raise click.UsageError("--admin-email: write an e-mail address like name@kommune.no.")
    database.connect(reuse_if_open=True)
    try:
        with database.atomic():
            if Municipality.select().where(Municipality.number == number).exists():
                raise click.UsageError(f"A municipality with number {number} exists already.")
            if Person.select().where(Person.email == admin_email).exists():
                raise click.UsageError(f"{admin_email} belongs to an account already.")
            municipality, person = create_municipality(name, number, admin_name, admin_email)
        with current_app.test_request_context():
            link = tokens.link_for(person, tokens.SETUP)
    finally:
        database.close()
    click.echo(f"Created {municipality.name} ({municipality.number}) and its administrator "
               f"{person.email}.")
    click.echo("Open this link within 7 days to choose the administrator's password "
               "(it works once):")
    click.echo(link)


def register_commands(app):
    from webapp.auditchain import audit_cli

    app.cli.add_command(db_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(send_outbox_command)
    app.cli.add_command(archive_year_command)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(create_municipality_command)
