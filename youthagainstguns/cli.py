"""`flask` commands: create-admin, seed-demo, backup."""
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.engine import make_url

from .auth import services as auth_services
from .auth.models import Role, User
from .extensions import db


def register(app: Flask) -> None:
    """Attach the commands to the app's CLI."""
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(backup)


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", "full_name", prompt=True)
@click.password_option()
def create_admin(email: str, full_name: str, password: str) -> None:
    """Create an administrator account with the given password."""
    email = email.strip().lower()
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
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


@click.command("backup")
@click.option("--to", "target_dir", type=click.Path(file_okay=False, path_type=Path))
def backup(target_dir: Path | None) -> None:
    """Write a consistent copy of the database to the backup folder."""
    target_dir = target_dir or Path(current_app.config["BACKUP_DIR"])
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        target = target_dir / f"youthagainstguns-{stamp}.sqlite"
        # VACUUM INTO makes a consistent copy even while the app is writing (WAL mode).
        with db.engine.connect() as conn:
            conn.exec_driver_sql("VACUUM INTO ?", (str(target),))
    else:
        if not shutil.which("pg_dump"):
            raise click.ClickException("pg_dump is not installed.")
        target = target_dir / f"youthagainstguns-{stamp}.dump"
        subprocess.run(
            ["pg_dump", "--format=custom", "--file", str(target),
             url.set(drivername="postgresql").render_as_string(hide_password=False)],
            check=True,
        )
    click.echo(f"Backup written to {target}")
