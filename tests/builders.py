"""Builders for test records: sensible defaults, every field overridable, committed."""
import itertools
from datetime import date, timedelta

from youthagainstguns.auth.models import Role, User
from youthagainstguns.schools.models import School, VenueKind
from youthagainstguns.speakers.models import Speaker, VettingDecision
from youthagainstguns.timeutil import today_lima

DEMO_PASSWORD = "demo-yag-2026"
_counter = itertools.count(1)


class Builders:
    """make.school(), make.user(role), make.speaker() ... each commits and returns the record."""

    def __init__(self, db):
        self.db = db

    def _save(self, record):
        self.db.session.add(record)
        self.db.session.commit()
        return record

    def school(self, **fields) -> School:
        """Return a school in San Juan de Lurigancho unless told otherwise."""
        n = next(_counter)
        defaults = dict(name=f"I.E. Prueba {n}", kind=VenueKind.SCHOOL,
                        district="San Juan de Lurigancho", address=f"Av. Próceres {n}")
        return self._save(School(**(defaults | fields)))

    def user(self, role: Role = Role.COORDINATOR, password: str = DEMO_PASSWORD,
             **fields) -> User:
        """Return an active account of `role` that can log in with `password`."""
        from flask import current_app
        from werkzeug.security import generate_password_hash

        n = next(_counter)
        if role == Role.SCHOOL and "school_id" not in fields and "school" not in fields:
            fields["school"] = self.school()
        defaults = dict(email=f"{role.value}{n}@example.org", full_name=f"Persona {n}",
                        role=role)
        user = User(**(defaults | fields))
        user.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"])
        return self._save(user)

    def speaker(self, **fields) -> Speaker:
        """Return an active speaker with vetting approved for another year."""
        n = next(_counter)
        today = today_lima()
        defaults = dict(alias=f"Ponente {n}", legal_name=f"Nombre Legal {n}",
                        vetting_decision=VettingDecision.APPROVED,
                        vetting_date=today - timedelta(days=30),
                        vetting_renewal_on=today + timedelta(days=365))
        return self._save(Speaker(**(defaults | fields)))

    def days_from_today(self, days: int) -> date:
        """Return the Lima date `days` away from today."""
        return today_lima() + timedelta(days=days)
