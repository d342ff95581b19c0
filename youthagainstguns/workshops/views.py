"""Workshops pages."""
from flask import Blueprint

bp = Blueprint("workshops", __name__)
