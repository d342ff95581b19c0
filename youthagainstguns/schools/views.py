"""Schools pages."""
from flask import Blueprint

bp = Blueprint("schools", __name__)
