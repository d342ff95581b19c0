"""Mail: render in the recipient's language, store in the outbox, send from a job.

`queue_mail()` stores a rendered message; the commit that makes its row visible also puts a
send job on the queue (an `after_commit` hook, so no caller can forget it and a rolled-back
request sends nothing). The job retries with back-off while SMTP is down and marks the row
failed after the last try; staff see and retry failures on /admin/outbox.

Without MAIL_SERVER each message is written as an .eml file under MAIL_FILE_PATH instead.
"""
from __future__ import annotations

import logging
import os
import secrets
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app, has_app_context
from flask_babel import force_locale
from flask_mailman import EmailMultiAlternatives, Mail
from flask_mailman.backends.base import BaseEmailBackend
from flask_mailman.backends.smtp import EmailBackend as SmtpBackend

from . import jobs
from .extensions import db
from .mail_models import MailKind, MailStatus, OutboxAttachment, OutboxMessage
from .timeutil import utcnow

logger = logging.getLogger(__name__)
mailman = Mail()

# Session.info key: ids of outbox rows added in the current transaction, sent after commit.
_PENDING = "outbox_pending"
# A row still "sending" after this long belongs to a worker that died mid-send.
STALE_SENDING = timedelta(minutes=10)


def init_app(app: Flask) -> None:
    """Set up Flask-Mailman and re-dispatch leftovers each time the worker starts."""
    mailman.init_app(app)
    jobs.on_worker_start(app, dispatch_queued)


def is_configured() -> bool:
    """Tell whether mail really leaves (MAIL_SERVER set) rather than landing in .eml files."""
    return bool(current_app.config["MAIL_SERVER"])


def render(template: str, locale: str | None, **context) -> tuple[str, str, str]:
    """Render mail/<template>.subject.txt, .txt and .html in `locale` (else Spanish)."""
    # Straight from the Jinja environment: no context processors, so nothing about the
    # request or the logged-in user can slip into a mail; the worker renders the same way.
    env = current_app.jinja_env
    with force_locale(_language(locale)):
        subject = " ".join(env.get_template(f"mail/{template}.subject.txt").render(context).split())
        text = env.get_template(f"mail/{template}.txt").render(context, subject=subject)
        html = env.get_template(f"mail/{template}.html").render(context, subject=subject)
    return subject, text, html


def _language(locale: str | None) -> str:
    languages = current_app.config["LANGUAGES"]
    return locale if locale in languages else languages[0]


@dataclass(frozen=True)
class Attachment:
    """A file to send with a mail, e.g. Attachment("taller.ics", "text/calendar", data)."""

    filename: str
    content_type: str
    content: bytes


def queue_mail(kind: MailKind, *, to: str, locale: str | None, template: str,
               user_id: int | None = None, attachments: Sequence[Attachment] = (),
               **context) -> OutboxMessage:
    """Store a message for `to`, rendered now; it is sent once the transaction commits.

    Pass only what the mail must say (a link, a match number): never a child's name.
    """
    subject, text, html = render(template, locale, **context)
    message = OutboxMessage(kind=kind, recipient=to, user_id=user_id, locale=_language(locale),
                            subject=subject[:255], body_text=text, body_html=html,
                            attachments=[OutboxAttachment(filename=a.filename,
                                                          content_type=a.content_type,
                                                          content=a.content)
                                         for a in attachments])
    db.session.add(message)
    db.session.flush()
    _send_after_commit(message)
    return message


def retry(message: OutboxMessage) -> None:
    """Queue a failed message again, with a fresh set of retries."""
    message.requeue()
    _send_after_commit(message)


def _send_after_commit(message: OutboxMessage) -> None:
    db.session.info.setdefault(_PENDING, set()).add(message.id)


@sa.event.listens_for(so.Session, "after_commit")
def _enqueue_committed(session: so.Session) -> None:
    """Queue a send job for each message this commit made visible to the worker."""
    ids = session.info.pop(_PENDING, None)
    if not ids:
        return
    if not has_app_context():
        logger.warning("outbox messages %s committed outside an app; the worker will send them "
                       "when it starts", sorted(ids))
        return
    for message_id in sorted(ids):
        try:
            send_message.enqueue(message_id)
        except Exception:  # a queue that is down must not turn a saved request into an error
            logger.exception("could not queue outbox message %s; it stays queued and the "
                             "worker sends it when it starts", message_id)


@sa.event.listens_for(so.Session, "after_rollback")
def _forget_rolled_back(session: so.Session) -> None:
    session.info.pop(_PENDING, None)


def dispatch_queued() -> int:
    """Queue a send job for every message still queued (and any a dead worker left sending)."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == MailStatus.SENDING,
               OutboxMessage.last_attempt_at < utcnow() - STALE_SENDING)
        .values(status=MailStatus.QUEUED)
    )
    ids = db.session.scalars(
        sa.select(OutboxMessage.id).where(OutboxMessage.status == MailStatus.QUEUED)
    ).all()
    db.session.info.setdefault(_PENDING, set()).update(ids)
    db.session.commit()
    return len(ids)


def _retry_settings(config: dict) -> dict:
    return {"retries": config["MAIL_SEND_RETRIES"],
            "retry_delay": config["MAIL_RETRY_DELAY_SECONDS"], "retry_backoff": 2,
            "context": True}


class MailNotSent(Exception):
    """A delivery attempt failed; the job is retried. Carries no address or body."""


@jobs.job("mail.send", settings=_retry_settings)
def send_message(message_id: int, task=None) -> None:
    """Deliver one outbox message; raise to be retried, or mark it failed after the last try."""
    if not _claim(message_id):
        return  # sent, failed or being sent by another job already
    message = db.session.get(OutboxMessage, message_id)
    try:
        deliver(message)
    except Exception as error:  # SMTP refusals, network errors, timeouts
        final = _is_permanent(error) or task is None or task.retries == 0
        message.record_failure(_describe(error), final=final)
        db.session.commit()
        if final:
            logger.warning("outbox message %s failed after %s attempts", message_id,
                           message.attempts)
            return
        raise MailNotSent(f"outbox message {message_id}: {type(error).__name__}") from None
    message.mark_sent()
    db.session.commit()


def _claim(message_id: int) -> bool:
    """Move a queued message to sending and count the attempt; only one job can win."""
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == MailStatus.QUEUED)
        .values(status=MailStatus.SENDING, attempts=OutboxMessage.attempts + 1,
                last_attempt_at=utcnow())
    ).rowcount
    db.session.commit()
    return claimed == 1


class _Email(EmailMultiAlternatives):
    """Flask-Mailman's message, assembled with the standard library's current email API.

    Flask-Mailman's own assembly folds every non-ASCII subject onto a second line; this one
    writes readable headers and keeps every part 7-bit clean for any SMTP server.
    """

    def message(self) -> EmailMessage:
        email = _WireMessage(policy=_POLICY)
        email["Subject"] = self.subject
        email["From"] = self.from_email
        email["To"] = ", ".join(self.to)
        email["Date"] = formatdate()
        email.set_content(self.body)
        for content, mimetype in self.alternatives:
            email.add_alternative(content, subtype=mimetype.split("/")[1])
        for filename, content, mimetype in self.attachments:  # wraps the above in multipart/mixed
            maintype, subtype = mimetype.split("/", 1)
            # Flask-Mailman hands text/* content back decoded; send the stored bytes as they are.
            data = content.encode() if isinstance(content, str) else content
            email.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        for name, value in self.extra_headers.items():  # after the body: it clears Content-*
            email[name] = value
        return email


_POLICY = email_policy.SMTP.clone(cte_type="7bit")


class _WireMessage(EmailMessage):
    """An EmailMessage that takes the `linesep` Flask-Mailman's SMTP back-end passes."""

    def as_bytes(self, unixfrom: bool = False, policy=None, linesep: str = "\r\n") -> bytes:
        return super().as_bytes(unixfrom, (policy or self.policy).clone(linesep=linesep))


def deliver(message: OutboxMessage) -> None:
    """Hand one message to SMTP (or to an .eml file when mail is not configured)."""
    config = current_app.config
    email = _Email(
        subject=message.subject, body=message.body_text, from_email=config["MAIL_DEFAULT_SENDER"],
        to=[message.recipient], connection=_connection(),
        headers={"Message-ID": make_msgid(domain=urlsplit(config["PUBLIC_BASE_URL"]).hostname),
                 "Auto-Submitted": "auto-generated", "Content-Language": message.locale},
    )
    email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment.filename, attachment.content, attachment.content_type)
    email.send()


def _connection() -> BaseEmailBackend:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        return EmlFileBackend(file_path=config["MAIL_FILE_PATH"])
    return SmtpBackend(host=config["MAIL_SERVER"], port=config["MAIL_PORT"],
                       username=config["MAIL_USERNAME"], password=config["MAIL_PASSWORD"],
                       use_tls=config["MAIL_USE_TLS"], timeout=config["MAIL_TIMEOUT"])


def _is_permanent(error: Exception) -> bool:
    """A 5xx answer (unknown mailbox, refused sender) will not change on a retry."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode(errors="replace") if isinstance(
            error.smtp_error, bytes) else str(error.smtp_error)
        return f"SMTP {error.smtp_code}: {text}"
    return f"{type(error).__name__}: {error}"


class EmlFileBackend(BaseEmailBackend):
    """Write each message as its own .eml file (Flask-Mailman's file back-end appends .log)."""

    def __init__(self, *args, file_path: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.folder = Path(file_path)

    def send_messages(self, email_messages) -> int:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for email in email_messages:
            name = f"{utcnow():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}.eml"
            # The file may hold a one-time link: readable by the owner only.
            fd = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(email.message().as_bytes())
        return len(email_messages)
