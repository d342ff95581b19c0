"""The workshops blueprint: every view module of the area adds its routes to `bp`."""
from flask import Blueprint

from ..auth.models import STAFF_ROLES, Role

bp = Blueprint("workshops", __name__)
# Who may open workshop pages at all; which workshop is then decided by Workshop.can_*.
VIEWERS = (*STAFF_ROLES, Role.SCHOOL)
