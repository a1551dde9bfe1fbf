"""The public, read-only open-data API: /api/v1/datasets.

Anyone may call it; what it answers depends on the role (dashboard.auth.current_role):
the public gets suppressed counts and no demonstration rows, staff get every figure.
"""

from __future__ import annotations

import itertools
import logging

from flask import Blueprint, Response, jsonify, request, stream_with_context
from werkzeug.exceptions import HTTPException

from dashboard import opendata
from dashboard.auth import current_role
from dashboard.db import get_database
from dashboard.settings import get_settings

api = Blueprint("api", __name__, url_prefix="/api/v1")
logger = logging.getLogger(__name__)


def _error(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": {"status": status, "message": message}}), status


@api.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> tuple[Response, int]:
    return _error(error.code or 500, error.description or error.name)


@api.errorhandler(Exception)
def _unexpected(error: Exception) -> tuple[Response, int]:
    # Never a traceback for the caller; the server log keeps it.
    logger.exception("API error")
    return _error(500, "internal error")


@api.get("/datasets")
def list_datasets() -> Response:
    """The catalogue of every dataset."""
    settings = get_settings()
    role = current_role()
    database = get_database(settings, public=role == "public")  # the published layer
    entries = opendata.catalogue_entries(settings, database, role)
    return jsonify({"datasets": entries})


@api.get("/datasets/<name>.<fmt>")
def download_dataset(name: str, fmt: str) -> Response | tuple[Response, int]:
    """One dataset's rows; query arguments filter on the dataset's documented columns."""
    if fmt not in opendata.FORMATS:
        return _error(404, f"unknown format '{fmt}'; use csv, json or parquet")
    settings = get_settings()
    filters = {column: request.args.getlist(column) for column in request.args}
    role = current_role()
    database = get_database(settings, public=role == "public")  # the published layer
    try:
        batches = opendata.dataset_batches(settings, database, name, filters, role=role)
        first = next(batches)  # problems in the query show here, before anything is sent
    except opendata.UnknownDataset:
        return _error(404, f"no dataset named '{name}'; see /api/v1/datasets")
    except opendata.BadFilter as error:
        return _error(400, str(error))
    # Streamed a batch at a time: a national table does not have to fit in a worker.
    body = opendata.encode_stream(itertools.chain([first], batches), fmt)
    response = Response(stream_with_context(body), mimetype=opendata.FORMATS[fmt].split(";")[0])
    if fmt == "csv":
        response.headers["Content-Type"] = opendata.FORMATS["csv"]
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@api.route("/", defaults={"anything": ""})
@api.route("/<path:anything>")
def unknown_endpoint(anything: str) -> tuple[Response, int]:
    """Anything else under /api/v1 is a JSON 404, not the dashboard's HTML."""
    return _error(404, "no such endpoint; see /api/v1/datasets")
