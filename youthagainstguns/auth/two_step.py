"""Two-step login: TOTP codes (RFC 6238, as phone apps make them) and single-use recovery
codes. Services flush; the caller commits."""
import hashlib
import hmac
import re
import secrets
import time

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup

from ..audit.services import record
from ..extensions import db
from ..timeutil import utcnow
from .models import FailureKind, LoginFailure, RecoveryCode, User
from .services import address_throttled, recent_failures

ISSUER = "Youth Against Guns"
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: recovery codes are copied by hand from paper.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10


def new_secret() -> str:
    """Return a fresh random TOTP secret (base32, 160 bits)."""
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """Return the otpauth:// address that a phone app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(data: str) -> Markup:
    """Return `data` as an inline SVG QR code: no style attribute, so the strict CSP holds."""
    svg = segno.make(data, error="m", micro=False).svg_inline(
        scale=5, border=4, dark="#000", light="#fff", svgclass="qr", lineclass=None)
    return Markup(svg)  # noqa: S704  (segno's own markup; `data` is encoded as modules)


def grouped(secret: str) -> str:
    """Return the secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _matching_step(secret: str, code: str, after: int | None) -> int | None:
    """Return the time step that a six-digit code belongs to (the current one, or one either
    side for a phone's clock drift), if that step is later than `after`; else None."""
    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // totp.interval
    for step in (now - 1, now, now + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _code_hash(code: str) -> str:
    return hashlib.sha256(normalize_recovery_code(code).encode()).hexdigest()


def normalize_recovery_code(code: str) -> str:
    """Return a recovery code as stored: lower case, without spaces or hyphens."""
    return re.sub(r"[\s-]", "", code or "").lower()


def _spend_step(user: User, step: int) -> bool:
    # Conditional update: of two requests racing with the same code, only one wins.
    won = db.session.execute(
        sa.update(User).where(User.id == user.id, sa.or_(User.totp_last_step.is_(None),
                                                           User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False)
    ).rowcount == 1
    if won:
        user.totp_last_step = step
    return won


def _spend_recovery_code(user: User, code: str) -> bool:
    code_id = db.session.scalar(sa.select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _code_hash(code),
        RecoveryCode.used_at.is_(None)))
    return code_id is not None and db.session.execute(
        sa.update(RecoveryCode).where(RecoveryCode.id == code_id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount == 1


def verify(user: User, code: str) -> str | None:
    """Check a code from the phone or a recovery code and spend it (each works once).

    Return how the step was passed ("totp" or "recovery code"), or None.
    """
    if not user.two_step_enabled:
        return None
    step = _matching_step(user.totp_secret, code, user.totp_last_step)
    if step is not None and _spend_step(user, step):
        return "totp"
    if _spend_recovery_code(user, code):
        record("auth.2fa_recovery_used", user, f"{unused_recovery_codes(user)} left", actor=user)
        return "recovery code"
    return None


def unused_recovery_codes(user: User) -> int:
    """Count the recovery codes this user has not used yet."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_code_hash(code)) for code in codes)
    half = _RECOVERY_LENGTH // 2
    return [f"{code[:half]}-{code[half:]}" for code in codes]


def enrol(user: User, secret: str, code: str) -> list[str] | None:
    """Turn the second step on if `code` comes from `secret`; end the user's other sessions.

    Return the new recovery codes in clear (to be shown once), or None for a wrong code.
    """
    step = _matching_step(secret, code, None)
    if step is None:
        return None
    user.totp_secret, user.totp_last_step = secret, step
    user.two_step_enabled_at = utcnow()
    codes = _new_recovery_codes(user)
    user.end_sessions()
    record("auth.2fa_enrolled", user, actor=user)
    db.session.flush()
    return codes


def turn_off(user: User, by: User) -> None:
    """Remove a user's second step and recovery codes and end their sessions.

    The owner turning it off is "auth.2fa_disabled"; anyone else doing it is a reset.
    """
    user.totp_secret = user.two_step_enabled_at = user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.end_sessions()
    record("auth.2fa_disabled" if by.id == user.id else "auth.2fa_reset", user, actor=by)


def throttled(user: User, address: str) -> bool:
    """Tell whether second-step attempts for this account (or from this address) must wait."""
    return address_throttled(address) or recent_failures(
        LoginFailure.email == user.email, LoginFailure.kind == FailureKind.TWO_STEP,
    ) >= current_app.config["LOGIN_MAX_TWO_STEP_FAILURES"]


def count_failure(user: User, address: str) -> None:
    """Count and audit a wrong second-step code."""
    db.session.add(LoginFailure(email=user.email, address=address, kind=FailureKind.TWO_STEP))
    record("auth.login_failed", user, "second step", actor=None)
