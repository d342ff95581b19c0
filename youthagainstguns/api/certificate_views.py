"""Certificates: a workshop's (as its page lists them), a speaker's own, and the public
verification by code (the same minimum as the public page)."""
from flask import request
from flask_login import current_user
from flask_smorest import abort

from ..auth.models import STAFF_ROLES, Role
from ..certificates import services as certificates
from .auth import requires
from .blueprint import blp
from .models import Scope
from .schemas import CertificateSchema, PageQuery, VerificationSchema, page_of
from .services import offset_page, visible_workshop


@blp.route("/workshops/<int:workshop_id>/certificates")
@requires(Scope.READ, *STAFF_ROLES, Role.SCHOOL)
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, page_of(CertificateSchema))
def workshop_certificates(workshop_id: int, cursor, limit):
    """List a workshop's certificates this account may see: staff all, a school contact
    their own pupils'."""
    found = visible_workshop(workshop_id, current_user, need="documents")
    return offset_page(certificates.workshop_certificates(found, current_user), cursor, limit)


@blp.route("/certificates/mine")
@requires(Scope.READ, Role.SPEAKER)
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, page_of(CertificateSchema))
def my_certificates(cursor, limit):
    """List the certificates of the speaker this account is, newest workshop first."""
    return offset_page(certificates.speaker_certificates(current_user), cursor, limit)


@blp.route("/certificates/verify/<code>")
@blp.doc(security=[])
@blp.response(200, VerificationSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def verify(code: str):
    """Tell whether a certificate is valid, with only what the public page shows. Public;
    limited per address like the page."""
    if not certificates.lookup_allowed(request.remote_addr or "-"):
        abort(429, headers={"Retry-After": "60"})
    normalized = certificates.normalize_code(code)
    certificate = certificates.find_by_code(normalized) if normalized else None
    if certificate is None:
        abort(404)
    return certificates.public_facts(certificate)
