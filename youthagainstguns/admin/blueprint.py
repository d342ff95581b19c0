"""The administration blueprint, shared by its view modules."""
from flask import Blueprint

bp = Blueprint("admin", __name__)
