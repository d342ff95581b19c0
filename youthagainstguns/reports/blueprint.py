"""The reports blueprint: views.py and program_views.py add their routes to `bp`."""
from flask import Blueprint

bp = Blueprint("reports", __name__)
