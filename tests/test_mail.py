"""Mail for real: an SMTP server on loopback receives what the jobs send, read back here."""
import os
import re
import stat
from email import policy
from email.parser import BytesParser
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import AuthActions
from tests.mail_fixtures import PUBLIC_BASE_URL
from youthagainstguns import mail
from youthagainstguns.auth.models import PasswordLink, Role, User
from youthagainstguns.mail_models import MailKind, MailStatus, OutboxMessage

# S105: a test password.
NEW_PASSWORD = "una frase larga que recuerdo"  # noqa: S105


def _create_account(client, auth, **fields):
    data = {"full_name": "Rosa Quispe", "email": "rosa@example.org", "role": "mentor",
            "school_id": "0", "speaker_id": "0", "csrf_token": auth.csrf_token("/users/new")}
    return client.post("/users/new", data=data | fields)


def _forgot(client, email: str):
    token = AuthActions(client).csrf_token("/forgot-password")
    return client.post("/forgot-password", data={"email": email, "csrf_token": token})


def _link(message) -> str:
    """Return the set-password link in a mail's text part."""
    text = message.get_body(("plain",)).get_content()
    found = re.search(r"(\S+/set-password/\S+)", text)
    assert found, text
    return found.group(1)


def _set_password_through(app, link: str):
    """Follow a mailed link in a fresh browser and choose a password; return the response."""
    assert link.startswith(PUBLIC_BASE_URL + "/set-password/")
    path = link.removeprefix(PUBLIC_BASE_URL)
    browser = app.test_client()
    token = AuthActions(browser).csrf_token(path)
    return browser.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                    "csrf_token": token})


def _outbox(db) -> list[OutboxMessage]:
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_new_account_is_mailed_its_link_in_spanish_and_the_link_works(app, client, auth, login_as,
                                                                      db, smtp, run_jobs):
    """Does a new account get its set-password link by mail, in Spanish, and does it work?"""
    login_as(Role.COORDINATOR)
    page = _create_account(client, auth, email="rosa@example.org")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/set-password/" not in html  # mail is configured: the link is not on screen
    assert "rosa@example.org" in html

    assert run_jobs.run_all() == 1
    message = smtp.only()
    assert message["To"] == "rosa@example.org"
    assert message["Subject"] == "Su cuenta de Youth Against Guns: elija su contraseña"
    assert message["Content-Language"] == "es"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    body_html = message.get_body(("html",)).get_content()
    assert "creó una cuenta para usted" in text
    assert 'lang="es"' in body_html and "Elegir mi contraseña" in body_html
    link = _link(message)
    assert link in body_html

    assert _set_password_through(app, link).status_code == 302
    assert AuthActions(app.test_client()).login("rosa@example.org", NEW_PASSWORD).status_code == 302
    row = _outbox(db)[0]
    assert (row.kind, row.status, row.attempts) == (MailKind.ACCOUNT_CREATED, MailStatus.SENT, 1)
    assert row.body_text is None and row.body_html is None  # the one-time link is gone


def test_new_link_for_an_english_speaker_is_mailed_in_english(client, auth, login_as, make, smtp,
                                                              run_jobs):
    """Does a user whose language is English get the mail in English?"""
    user = make.user(Role.MENTOR, locale="en", email="ana@example.org")
    login_as(Role.COORDINATOR)
    response = client.post(f"/users/{user.id}/password-link",
                           data={"csrf_token": auth.csrf_token("/users")})
    assert response.status_code == 200
    run_jobs.run_all()
    message = smtp.only()
    assert message["Subject"] == "Choose a new password for Youth Against Guns"
    assert message["Content-Language"] == "en"
    assert "A coordinator issued a new link" in message.get_body(("plain",)).get_content()
    assert _link(message).startswith(PUBLIC_BASE_URL)


def test_links_ignore_a_forged_host_header(client, make, smtp, run_jobs):
    """Can a forged Host header make the mailed link point at another site?"""
    make.user(Role.MENTOR, email="luz@example.org")
    forged = {"Host": "evil.example.com"}
    page = client.get("/forgot-password", headers=forged).get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    response = client.post("/forgot-password", headers=forged,
                           data={"email": "luz@example.org", "csrf_token": token})
    assert response.status_code == 302
    run_jobs.run_all()
    assert _link(smtp.only()).startswith(PUBLIC_BASE_URL + "/set-password/")


def test_without_mail_server_the_link_is_on_screen_and_the_mail_is_an_eml_file(app, client, auth,
                                                                               login_as, db,
                                                                               run_jobs):
    """Without MAIL_SERVER, does staff still see the link, and is the mail written to a file?"""
    login_as(Role.COORDINATOR)
    html = _create_account(client, auth).get_data(as_text=True)
    on_screen = re.search(r'value="([^"]+/set-password/[^"]+)"', html).group(1)
    assert on_screen.startswith(app.config["PUBLIC_BASE_URL"])
    folder = Path(app.config["MAIL_FILE_PATH"])
    before = set(folder.glob("*.eml")) if folder.exists() else set()

    run_jobs.run_all()
    (written,) = set(folder.glob("*.eml")) - before
    assert stat.S_IMODE(os.stat(written).st_mode) == 0o600  # it holds a one-time link
    message = BytesParser(policy=policy.default).parsebytes(written.read_bytes())
    assert message["To"] == "rosa@example.org"
    assert on_screen in message.get_body(("plain",)).get_content()
    assert _outbox(db)[0].status == MailStatus.SENT


def test_forgot_password_answers_the_same_and_mails_only_known_accounts(app, client, make, db,
                                                                        smtp, run_jobs):
    """Does "forgot my password" answer alike for any address, mail only a real account, and
    give a link that works once?"""
    make.user(Role.MENTOR, email="luz@example.org")
    make.user(Role.MENTOR, email="ex@example.org", active=False)
    login_page = client.get("/login").get_data(as_text=True)
    assert "¿Olvidó su contraseña?" in login_page

    answers = []
    for address in ("luz@example.org", "nadie@example.org", "ex@example.org"):
        response = _forgot(client, address)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        flash = re.search(r'<p class="flash[^>]*>(.*?)</p>', page, re.S).group(1)
        answers.append((response.status_code, response.headers["Location"], flash))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 302 and "Si una cuenta activa usa esta dirección" in answers[0][2]

    run_jobs.run_all()
    message = smtp.only()
    assert message["To"] == "luz@example.org"
    assert message["Subject"] == "Elija una nueva contraseña para Youth Against Guns"
    link = _link(message)
    assert _set_password_through(app, link).status_code == 302
    assert app.test_client().get(link.removeprefix(PUBLIC_BASE_URL)).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PasswordLink)) == 1


def test_forgot_password_is_rate_limited(app, client, make, smtp, run_jobs):
    """Can someone flood an inbox with reset mails, or hammer the form from one address?"""
    make.user(Role.MENTOR, email="luz@example.org")
    limit = app.config["PASSWORD_RESET_MAX_PER_HOUR"]
    for _ in range(limit + 2):
        assert _forgot(client, "luz@example.org").status_code == 302
    run_jobs.run_all()
    assert len(smtp.messages) == limit

    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] - limit - 2):
        assert _forgot(client, "otra@example.org").status_code == 302
    assert _forgot(client, "luz@example.org").status_code == 429


def test_reset_requests_never_lock_an_account_out(client, auth, make):
    """Do a few reset requests for an address count as failed logins of that account?"""
    user = make.user(Role.MENTOR, email="luz@example.org")
    for _ in range(6):
        _forgot(client, user.email)
    assert auth.login(user.email).status_code == 302


def test_smtp_down_for_two_attempts_then_up_sends_on_the_third(db, smtp, run_jobs):
    """Is a message kept and retried while the SMTP server is down, and sent once it is up?"""
    user_id = _queue_reset_mail(db)
    smtp.down()
    assert run_jobs.run_next() and run_jobs.run_next()
    row = _outbox(db)[0]
    assert (row.status, row.attempts) == (MailStatus.QUEUED, 2)
    assert "Connection refused" in row.last_error
    assert row.body_text  # kept until sent

    smtp.up()
    assert run_jobs.run_next()
    row = _outbox(db)[0]
    assert (row.status, row.attempts, row.user_id) == (MailStatus.SENT, 3, user_id)
    assert row.last_error is None and row.sent_at is not None
    assert len(smtp.messages) == 1
    assert run_jobs.pending() == 0


def test_smtp_down_for_good_marks_the_message_failed_and_staff_can_retry(app, client, auth,
                                                                         login_as, db, smtp,
                                                                         run_jobs):
    """After the last retry, is the message failed, shown on the outbox page, and retryable?"""
    _queue_reset_mail(db)
    smtp.down()
    attempts = app.config["MAIL_SEND_RETRIES"] + 1
    assert run_jobs.run_all() == attempts
    row = _outbox(db)[0]
    assert (row.status, row.attempts) == (MailStatus.FAILED, attempts)

    login_as(Role.COORDINATOR)
    page = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "Fallido" in page and "Connection refused" in page and "luz@example.org" in page
    assert "set-password" not in page  # never the body
    smtp.up()
    response = client.post(f"/admin/outbox/{row.id}/retry",
                           data={"csrf_token": auth.csrf_token("/admin/outbox")})
    assert response.status_code == 302
    run_jobs.run_all()
    row = _outbox(db)[0]
    assert (row.status, row.attempts) == (MailStatus.SENT, attempts + 1)
    assert smtp.only()["To"] == "luz@example.org"


def test_outbox_is_for_staff_only(client, login_as, make, db):
    """Can a mentor or an anonymous visitor read the outbox?"""
    _queue_reset_mail(db)
    assert client.get("/admin/outbox").status_code == 302
    login_as(Role.MENTOR)
    assert client.get("/admin/outbox").status_code == 403
    login_as(Role.ADMIN)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "luz@example.org" in page and "Contraseña olvidada" in page


def test_a_rolled_back_request_queues_nothing(app, db, run_jobs):
    """Does a message whose transaction rolled back stay unsent and unqueued?"""
    with app.test_request_context():
        mail.queue_mail(MailKind.PASSWORD_RESET, to="luz@example.org", locale="es",
                        template="password_reset", link="https://x.example/", hours=1,
                        email="luz@example.org", by_staff=False)
        db.session.rollback()
    assert run_jobs.pending() == 0
    assert _outbox(db) == []


def _queue_reset_mail(db) -> int:
    """Queue a reset mail to luz@example.org the way the service does; return her id."""
    from youthagainstguns.auth import services

    user = User(email="luz@example.org", full_name="Luz", role=Role.MENTOR)
    db.session.add(user)
    db.session.flush()
    token = services.create_password_link(user, None)
    services.mail_password_link(user, token, MailKind.PASSWORD_RESET)
    db.session.commit()
    return user.id


def test_without_mail_server_the_eml_file_carries_the_attachments(app, db, run_jobs):
    """Is a queued attachment written into the .eml file, byte for byte, beside both bodies?"""
    ics = "BEGIN:VCALENDAR\r\nSUMMARY:Taller en Breña\r\nEND:VCALENDAR\r\n".encode()
    with app.test_request_context():
        mail.queue_mail(MailKind.PASSWORD_RESET, to="luz@example.org", locale="es",
                        template="password_reset", link="https://x.example/", hours=1,
                        email="luz@example.org", by_staff=False,
                        attachments=[mail.Attachment("taller.ics", "text/calendar", ics)])
        db.session.commit()
    folder = Path(app.config["MAIL_FILE_PATH"])
    before = set(folder.glob("*.eml")) if folder.exists() else set()
    assert run_jobs.run_all() == 1
    (written,) = set(folder.glob("*.eml")) - before
    message = BytesParser(policy=policy.default).parsebytes(written.read_bytes())
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "taller.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_payload(decode=True) == ics
    assert "https://x.example/" in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)) is not None
