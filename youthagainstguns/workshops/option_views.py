"""The options of the searchable selects (venues, speakers), fetched as the user types."""
from flask import jsonify, request

from ..auth.decorators import staff_required
from ..forms import answer_options
from .blueprint import bp
from .forms import OPTION_SOURCES


@bp.route("/workshops/options/<source>")
@staff_required  # the filters and forms that offer these choices are staff's only
def options(source: str):
    """Answer the first venues or speakers matching `q` as JSON: {"options": [{value, label}]}."""
    return jsonify(options=answer_options(OPTION_SOURCES, source, request.args.get("q")))
