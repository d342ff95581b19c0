"""The options of the searchable selects (venues, speakers), fetched as the user types."""
from flask import abort, jsonify, request

from ..auth.decorators import staff_required
from .blueprint import bp
from .forms import OPTION_SOURCES


@bp.route("/workshops/options/<source>")
@staff_required  # the filters and forms that offer these choices are staff's only
def options(source: str):
    """Answer the first venues or speakers matching `q` as JSON: {"options": [{value, label}]}."""
    found = OPTION_SOURCES.get(source)
    if found is None:
        abort(404)
    return jsonify(options=[{"value": value, "label": label}
                            for value, label in found.lookup(q=request.args.get("q"))])
