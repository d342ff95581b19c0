"""Access rules for accounts, the home page and the audit log."""
from youthagainstguns.auth.models import Role
from youthagainstguns.mail_models import MailKind, MailStatus, OutboxMessage

from . import ANY_USER, PUBLIC, STAFF_ONLY, Allowed

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
    # Without a pending password step a visitor is sent to the login page; a logged-in user
    # to their start page.
    "auth.two_step_login": ANY_USER,
    "auth.two_step_account": ANY_USER,
    "auth.two_step_setup": ANY_USER,  # already on: sent to the account page
    "auth.two_step_disable": Allowed.of("mentor", "school", "speaker"),  # staff always need it
    "admin.reset_two_step": Allowed.of("admin"),
    "admin.users": STAFF_ONLY,
    "admin.new_user": STAFF_ONLY,
    "admin.edit_user": STAFF_ONLY,
    "admin.deactivate_user": STAFF_ONLY,
    "admin.reactivate_user": STAFF_ONLY,
    "admin.password_link": STAFF_ONLY,
    "admin.audit_log": STAFF_ONLY,
    "admin.audit_export": STAFF_ONLY,  # every entry, in one file; the download is audited
    "admin.outbox": STAFF_ONLY,  # recipients and subjects of every mail; never bodies
    "admin.retry_message": STAFF_ONLY,
}


FOREIGN = {
    "static": (),  # a file name, not a record
    "auth.set_password": (),  # the token is the credential; a wrong one is a 404
}


def build(make, world: dict) -> None:
    """A victim account for the account-management routes, a failed mail for the outbox."""
    world["user_id"] = make.user(Role.MENTOR, email="victim@example.org").id
    world["message_id"] = _failed_message(make).id
    # S105: a deliberately wrong token for the access matrix.
    world["token"] = "not-a-real-token"  # noqa: S105
    world["filename"] = "css/app.css"


def _failed_message(make) -> OutboxMessage:
    message = OutboxMessage(kind=MailKind.PASSWORD_LINK, recipient="victim@example.org",
                            locale="es", subject="Asunto", body_text="-", body_html="-",
                            status=MailStatus.FAILED, attempts=3)
    make.db.session.add(message)
    make.db.session.commit()
    return message
