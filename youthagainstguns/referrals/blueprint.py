"""The referrals blueprint, held here so that each view module can import it."""
from flask import Blueprint

bp = Blueprint("referrals", __name__, url_prefix="/referrals")
