"""Access rules for accounts, the home page and the audit log."""
from youthagainstguns.auth.models import Role
from youthagainstguns.mail_models import MailKind, MailStatus, OutboxMessage

from . import ANY_USER, PUBLIC, STAFF_ONLY

RULES = {
    "main.index": ANY_USER,
    "main.healthz": PUBLIC,
    "static": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": ANY_USER,
    "auth.set_password": PUBLIC,  # the token is the credential; a bad one is a 404
    "auth.forgot_password": PUBLIC,  # logged-in users are sent to their start page
    "auth.change_password": ANY_USER,
    "auth.notifications_page": ANY_USER,
    "auth.set_language": PUBLIC,
    "admin.users": STAFF_ONLY,
    "admin.new_user": STAFF_ONLY,
    "admin.edit_user": STAFF_ONLY,
    "admin.deactivate_user": STAFF_ONLY,
    "admin.reactivate_user": STAFF_ONLY,
    "admin.password_link": STAFF_ONLY,
    "admin.audit_log": STAFF_ONLY,
    "admin.outbox": STAFF_ONLY,  # recipients and subjects of every mail; never bodies
    "admin.retry_message": STAFF_ONLY,
}


def build(make, world: dict) -> None:
    """A victim account for the account-management routes, a failed mail for the outbox."""
    world["user_id"] = make.user(Role.MENTOR, email="victim@example.org").id
    world["message_id"] = _failed_message(make).id
    world["token"] = "not-a-real-token"
    world["filename"] = "css/app.css"


def _failed_message(make) -> OutboxMessage:
    message = OutboxMessage(kind=MailKind.PASSWORD_LINK, recipient="victim@example.org",
                            locale="es", subject="Asunto", body_text="-", body_html="-",
                            status=MailStatus.FAILED, attempts=3)
    make.db.session.add(message)
    make.db.session.commit()
    return message
