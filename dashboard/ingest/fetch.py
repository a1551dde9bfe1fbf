"""Fetch a table from ASK's PxWeb API (v1, or v2) and import the answer like an upload.

v1 (what ASK runs): ``GET {base}/{lang}/{table}`` is the table's metadata (title and
variables with their value codes); ``POST`` of a query to the same address is the data.
Without a query file every value of every variable is asked for, as JSON-stat 2.0
(self-describing: labels and symbols travel with the figures). A query file is the JSON
the web page's "API query" link gives; its ``response.format`` is kept when it sets one.
v2: ``GET {base}/tables/{table}/metadata`` and ``POST {base}/tables/{table}/data``
with ``outputFormat=json-stat2``.

The answer's bytes are written to a file and handed to
:func:`dashboard.ingest.importer.preview` (then ``apply``): journaled exactly like an
uploaded file, under the name ``<table> (<lang>, PxWeb API <version>)``. Without a
network the refusal says so, and names the address tried.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict, Unpack

from dashboard.ingest.common import IngestError, problem
from dashboard.settings import Settings

TIMEOUT_SECONDS = 60
MAX_ANSWER_BYTES = 200 * 1024 * 1024
API_VERSIONS = ("v1", "v2")


class FetchError(IngestError):
    """ASK's API could not be reached or refused the query; nothing was imported."""


class FetchOptions(TypedDict, total=False):
    """What :func:`fetch` is told besides the table, for those that pass it on."""

    query: dict[str, Any] | None
    lang: str
    api: str
    base_url: str | None


@dataclass(frozen=True)
class Fetched:
    """An API answer kept in a file, ready for the importer."""

    path: Path
    display_name: str
    url: str
    title: str | None


def _request(url: str, name: str, body: dict[str, Any] | None = None) -> bytes:
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            raw = answer.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as error:
        detail = error.read(300).decode("utf-8", "replace").strip()
        raise FetchError(
            [
                problem(
                    name,
                    None,
                    url,
                    f"HTTP {error.code}",
                    "ingest.fetch.http",
                    detail=detail or error.reason,
                )
            ]
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise FetchError(
            [problem(name, None, url, None, "ingest.fetch.offline", reason=reason)]
        ) from None
    if len(raw) > MAX_ANSWER_BYTES:
        raise FetchError(
            [
                problem(
                    name, None, url, None, "ingest.fetch.size", mb=MAX_ANSWER_BYTES // 1024 // 1024
                )
            ]
        )
    return raw


def _json(raw: bytes, url: str, name: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise FetchError(
            [problem(name, None, url, raw[:60].decode("latin-1"), "ingest.fetch.json")]
        ) from None


def v1_query(metadata: dict[str, Any]) -> dict[str, Any]:
    """The v1 query for every value of every variable, answered as JSON-stat 2.0."""
    return {
        "query": [
            {
                "code": variable["code"],
                "selection": {"filter": "item", "values": list(variable.get("values", []))},
            }
            for variable in metadata.get("variables", [])
        ],
        "response": {"format": "json-stat2"},
    }


def fetch(
    table: str,
    settings: Settings,
    *,
    query: dict[str, Any] | None = None,
    lang: str = "sq",
    api: str = "v1",
    base_url: str | None = None,
) -> Fetched:
    """Ask the API for a table and keep the answer in a file under the imports folder.

    Args:
        table: the table's path (v1: ``ASKdata/<folders>/<table>.px``) or id (v2).
        settings: where the answer is kept; the API's base address.
        query: a PxWeb query (the web page's "API query"); default: every value.
        lang: sq, en or sr.
        api: v1 or v2.
        base_url: overrides ``settings.ask_api_url``.

    Raises:
        FetchError: offline, unknown table, or an answer that is not what was asked.
    """
    base = (base_url or settings.ask_api_url).rstrip("/")
    table = table.strip("/")
    name = f"{table} ({lang}, PxWeb API {api})"
    if api == "v1":
        url = f"{base}/{lang}/{urllib.parse.quote(table)}"
        metadata = _json(_request(url, name), url, name)
        title = metadata.get("title") if isinstance(metadata, dict) else None
        body = dict(query) if query else v1_query(metadata if isinstance(metadata, dict) else {})
        body.setdefault("response", {"format": "json-stat2"})
        raw = _request(url, name, body)
    elif api == "v2":
        quoted = urllib.parse.quote(table)
        meta_url = f"{base}/tables/{quoted}/metadata?lang={lang}"
        metadata = _json(_request(meta_url, name), meta_url, name)
        title = metadata.get("label") if isinstance(metadata, dict) else None
        ids = metadata.get("id", []) if isinstance(metadata, dict) else []
        body = (
            dict(query)
            if query
            else {"selection": [{"variableCode": dim, "valueCodes": ["*"]} for dim in ids]}
        )
        url = f"{base}/tables/{quoted}/data?lang={lang}&outputFormat=json-stat2"
        raw = _request(url, name, body)
    else:
        raise FetchError([problem(name, None, "api", api, "ingest.fetch.api")])
    folder = settings.imports_dir / "fetched"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"answer-{os.getpid()}"
    path.write_bytes(raw)
    return Fetched(path, name, url, title)


def read_query(path: Path) -> dict[str, Any]:
    """Read a query file (JSON), or raise FetchError naming the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as error:
        raise FetchError(
            [problem(path.name, None, None, None, "ingest.fetch.query_json", error=error)]
        ) from None
    if not isinstance(data, dict):
        raise FetchError([problem(path.name, None, None, None, "ingest.fetch.query_object")])
    return data


def preview_table(
    table: str,
    settings: Settings,
    *,
    choices: dict[str, str] | None = None,
    **options: Unpack[FetchOptions],
) -> Any:
    """Fetch a table and preview its import (what the staff button calls).

    ``options`` are :func:`fetch`'s. Returns the
    :class:`~dashboard.ingest.importer.ImportPreview`; ``importer.apply`` journals it like
    an uploaded file. A fetch that fails comes back as a preview with the problem, as a
    file that cannot be read would.
    """
    from dashboard.ingest import importer

    try:
        fetched = fetch(table, settings, **options)
    except FetchError as error:
        refused = importer.ImportPreview(
            path=settings.imports_dir / "fetched", display_name=table, settings=settings
        )
        refused.problems = error.problems
        return refused
    return importer.preview(
        fetched.path, display_name=fetched.display_name, settings=settings, choices=choices
    )
