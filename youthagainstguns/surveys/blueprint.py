"""The surveys blueprint: every view module of the area adds its routes to `bp`."""
from flask import Blueprint

bp = Blueprint("surveys", __name__)
