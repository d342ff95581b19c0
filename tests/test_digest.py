"""The coordinators' daily digest: counts of the mentoring board's items, mailed at 07:00 in
Lima to active staff who want it. Real SMTP server on loopback, real jobs, no mocks."""
from datetime import datetime, timedelta

import pytest

from tests.mail_fixtures import PUBLIC_BASE_URL, minutes_due
from youthagainstguns import jobs
from youthagainstguns.auth.models import Role
from youthagainstguns.auth.notifications import set_opt_outs
from youthagainstguns.mail_models import MailKind
from youthagainstguns.mentoring import digest

BOARD = f"{PUBLIC_BASE_URL}/mentoring/"


def _parts(message) -> dict[str, str]:
    return {"subject": message["Subject"],
            "text": message.get_body(("plain",)).get_content(),
            "html": message.get_body(("html",)).get_content()}


@pytest.fixture
def staff(make):
    return {
        "coord": make.user(Role.COORDINATOR, email="coord@example.org"),
        "coord_en": make.user(Role.COORDINATOR, email="coord.en@example.org", locale="en"),
        "admin": make.user(Role.ADMIN, email="admin@example.org"),
        "refuses": make.user(Role.COORDINATOR, email="refuses@example.org"),
        "gone": make.user(Role.COORDINATOR, email="gone@example.org", active=False),
        "mentor": make.user(Role.MENTOR, email="mentor@example.org"),
    }


def test_the_digest_mails_active_staff_the_board_counts_without_names(
        client, auth, make, db, smtp, run_jobs, today, staff):
    """With one open alert and one match quiet for 40 days, does each active coordinator and
    admin who wants it get the counts and a link that opens the board, and nobody's name?"""
    mentor_user = make.user(Role.MENTOR, full_name="Carlos Ríos Mendoza",
                            email="carlos@example.org")
    mentee = make.mentee(first_name="Valentina", last_names="Huamán Torres",
                         referred_on=today - timedelta(days=60))
    match = make.match(make.mentor(user=mentor_user), mentee,
                       start_date=today - timedelta(days=40))
    make.alert(match)
    set_opt_outs(staff["refuses"], [MailKind.DAILY_DIGEST])
    db.session.commit()

    assert digest.digest_counts(today) == {"alerts": 1, "quiet": 1, "check_ins": 1,
                                           "checks": 0, "waiting": 0, "referral_follow_ups": 0}
    assert digest.daily_digest.func() == 3
    assert run_jobs.run_all() == 3

    received = {message["To"]: message for message in smtp.messages}
    assert set(received) == {"coord@example.org", "coord.en@example.org", "admin@example.org"}
    spanish = _parts(received["coord@example.org"])
    assert spanish["subject"] == "Tablero de mentoría: pendientes que requieren su atención"
    for line in ("Alertas de protección abiertas: 1",
                 "Emparejamientos sin sesión en 30 días: 1",
                 "Seguimientos del equipo atrasados: 1",
                 "Certificados de antecedentes que vencen en 30 días o menos: 0",
                 "Personas mentoreadas esperando más de 14 días: 0"):
        assert line in spanish["text"], line
    english = _parts(received["coord.en@example.org"])
    assert "Open safeguarding alerts: 1" in english["text"]
    assert "Matches with no session in 30 days: 1" in english["text"]

    forbidden = ["Valentina", "Huamán", "Huam&aacute;n", "Torres", "Carlos", "Ríos", "Mendoza",
                 "Llegó con moretones", mentee.guardian_name]
    for message in received.values():
        parts = _parts(message)
        assert BOARD in parts["text"].split()
        assert f'href="{BOARD}"' in parts["html"]
        for part, body in parts.items():
            for word in forbidden:
                assert word not in body, (message["To"], part, word)
    auth.login(staff["coord"].email)
    assert client.get(BOARD.removeprefix(PUBLIC_BASE_URL)).status_code == 200


def test_nothing_is_sent_when_every_count_is_zero(make, db, smtp, run_jobs, today, staff):
    """With a healthy match and nothing else on the board, is no digest mailed at all?"""
    match = make.match(make.mentor(), make.mentee())
    make.session(match, held_on=today)
    db.session.commit()
    assert not any(digest.digest_counts(today).values())
    assert digest.daily_digest.func() == 0
    assert run_jobs.run_all() == 0
    assert smtp.messages == []


def test_the_digest_runs_at_seven_in_lima_only(app):
    """Is the digest on the worker's schedule at 12:00 UTC (07:00 in Lima), and at no other
    minute of the day?"""
    due = minutes_due(app, "mentoring.digest", datetime(2026, 12, 2))
    assert due == [datetime(2026, 12, 2, 12, 0)]
    assert jobs.queue(app).huey.utc
