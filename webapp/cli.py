"""Command-line tasks: ``flask db upgrade``, ``flask demo-data``, ``flask send-outbox``."""

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


def register_commands(app):
    app.cli.add_command(db_cli)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(send_outbox_command)
