"""Access rules for accounts, the home page and the audit log."""
from youthagainstguns.auth.models import Role

from . import ANY_USER, PUBLIC, STAFF_ONLY

RULES = {
    "main.index": ANY_USER,
    "main.healthz": PUBLIC,
    "static": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": ANY_USER,
    "auth.set_password": PUBLIC,  # the token is the credential; a bad one is a 404
    "auth.change_password": ANY_USER,
    "auth.set_language": PUBLIC,
    "auth.users": STAFF_ONLY,
    "auth.new_user": STAFF_ONLY,
    "auth.edit_user": STAFF_ONLY,
    "auth.deactivate_user": STAFF_ONLY,
    "auth.reactivate_user": STAFF_ONLY,
    "auth.password_link": STAFF_ONLY,
    "audit.index": STAFF_ONLY,
}


def build(make, world: dict) -> None:
    """A victim account for the account-management routes."""
    world["user_id"] = make.user(Role.MENTOR, email="victim@example.org").id
    world["token"] = "not-a-real-token"
    world["filename"] = "css/app.css"
