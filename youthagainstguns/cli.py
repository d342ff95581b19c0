"""`flask` commands: create-admin, seed-demo, seed-bench, backup, restore."""
from pathlib import Path

import click
from flask import Flask, current_app

from . import backup as backups
from .auth import services as auth_services
from .auth.models import Role, User
from .extensions import db
from .mentoring import summaries as mentoring_summaries
from .privacy.retention import anonymize_expired
from .workshops import summaries


def register(app: Flask) -> None:
    """Attach the commands to the app's CLI."""
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(seed_bench)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    app.cli.add_command(anonymize_expired)


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", "full_name", prompt=True)
@click.password_option()
def create_admin(email: str, full_name: str, password: str) -> None:
    """Create an administrator account with the given password."""
    email = email.strip().lower()
    if auth_services.email_taken(email):
        raise click.ClickException("An account with this email already exists.")
    problems = auth_services.password_problems(password)
    if problems:
        raise click.ClickException(" ".join(problems))
    user = User(email=email, full_name=full_name, role=Role.ADMIN)
    auth_services.set_password(user, password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Administrator {email} created.")


@click.command("seed-demo")
def seed_demo() -> None:
    """Load the Spanish demo data set once (does nothing if it is already there)."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException("Demo data is not allowed under the production config.")
    from .demo import load_demo_data

    created = load_demo_data()
    db.session.commit()
    click.echo("Demo data loaded." if created else "Demo data already present; nothing changed.")


@click.command("seed-bench")
@click.option("--scale", type=click.FloatRange(min=0, min_open=True, max=10), default=0.1,
              show_default=True, help="1 is ten years of a city-wide program; 0.1 a tenth.")
def seed_bench(scale: float) -> None:
    """Fill an empty database with the benchmark's data set (refuses one that holds data)."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException("Benchmark data is not allowed under the production config.")
    from .demo.bench_data import BenchRefused
    from .demo.bench_data import seed_bench as fill

    try:
        written = fill(db.engine, scale)
    except BenchRefused as error:
        raise click.ClickException(str(error)) from error
    with db.engine.begin() as connection:  # bulk inserts go round the flush listener
        summaries.rebuild(connection)
        mentoring_summaries.refresh_minutes(connection)
    click.echo(f"Benchmark data at scale {scale:g}: "
               + ", ".join(f"{name} {count:,}" for name, count in written.items()))


@click.command("backup")
@click.option("--to", "target_dir", type=click.Path(file_okay=False, path_type=Path))
def backup(target_dir: Path | None) -> None:
    """Write a consistent copy of the database and keep only the newest BACKUP_KEEP copies."""
    target_dir = target_dir or Path(current_app.config["BACKUP_DIR"])
    try:
        target, pruned = backups.back_up_and_prune(db.engine, target_dir,
                                                   current_app.config["BACKUP_KEEP"])
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {target}")
    for path in pruned:
        click.echo(f"Old backup deleted: {path}")


@click.command("restore")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database that already holds data.")
def restore(backup_file: Path, force: bool) -> None:
    """Replace the configured database's contents with a backup written by `flask backup`."""
    try:
        backups.check_backup(backups.backend(db.engine.url), backup_file)
        if not force and backups.holds_data(db.engine):
            raise click.ClickException(
                "The database already holds data; pass --force to overwrite it.")
        db.session.remove()
        backups.restore_backup(db.engine, backup_file)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Database restored from {backup_file}")
