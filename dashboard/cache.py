"""Results computed from the built database, kept per database version (flask-caching).

Everything a page shows is a function of the built database file, the request's filters,
its language and (for suppression) the role asking. So a result keyed by those and by
``Database.version`` (which changes when a new build is swapped in) can never be stale:
a new build simply starts new keys. The backend is flask-caching's: ``SimpleCache`` in
each worker by default (nothing shared, nothing to run), ``RedisCache`` when several
machines should share one (``DMS_CACHE_TYPE=RedisCache``, ``DMS_CACHE_REDIS_URL``), or
``NullCache`` to switch caching off.

Outside a Flask application context (the CLI, the build, the bench's floor) nothing is
cached: ``cached`` just computes. The data door (dashboard/db.py) imports no Flask:
``init_app`` hands it ``cached`` for ``Database.query``.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from flask import Flask, current_app, has_app_context
from flask_caching import Cache

from dashboard import db
from dashboard.settings import Settings, get_settings

T = TypeVar("T")

cache = Cache()


def init_app(server: Flask, settings: Settings | None = None) -> None:
    """Attach the configured cache backend to the Flask server."""
    settings = settings or get_settings()
    config: dict[str, Any] = {
        "CACHE_TYPE": settings.cache_type,
        # Keys carry the database version, so entries never go stale; the timeout only
        # bounds how long a shared backend keeps entries of old builds.
        "CACHE_DEFAULT_TIMEOUT": 0 if settings.cache_type == "SimpleCache" else 86_400,
        "CACHE_THRESHOLD": settings.cache_entries,
        "CACHE_KEY_PREFIX": "dms:",
    }
    if settings.cache_redis_url:
        config["CACHE_REDIS_URL"] = settings.cache_redis_url
    cache.init_app(server, config=config)
    db.use_result_cache(cached)  # query results per database version, within the app


def _active() -> bool:
    if not has_app_context():
        return False
    return cache in current_app.extensions.get("cache", {})


def cache_key(*parts: object) -> str:
    """A short key for any repr-able parts (hashed: backends limit key length)."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def cached(
    parts: tuple[object, ...],
    compute: Callable[[], T],
    *,
    keep: Callable[[T], bool] | None = None,
) -> T:
    """The value for `parts` (which must include the database version), computed once.

    `keep(value)` may refuse to keep a value (e.g. a result too large to be worth it).
    """
    return _kept_in(cache, parts, compute, keep)


class _Store(Protocol):
    """What `_kept_in` needs of a store: flask-caching's `Cache` and `_Recent` both have it."""

    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any) -> Any: ...


class _Recent:
    """A small thread-safe LRU of Python objects, kept as they are (not serialised)."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            return None

    def set(self, key: str, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_recent = _Recent(size=64)


def memo(parts: tuple[object, ...], compute: Callable[[], T]) -> T:
    """Like `cached`, but the object itself is kept in this process (no copy).

    For things that are slow to serialise (Plotly figures re-validate when unpickled)
    and that callers never change after building. `parts` must include the database
    version. Outside the app nothing is kept.
    """
    return _kept_in(_recent, parts, compute)


def _kept_in(
    store: _Store,
    parts: tuple[object, ...],
    compute: Callable[[], T],
    keep: Callable[[T], bool] | None = None,
) -> T:
    """The value for `parts` from `store`, computed and kept on a miss; outside the app computed.

    `None` counts as a miss: flask-caching answers it for a key it does not have.
    """
    if not _active():
        return compute()
    key = cache_key(*parts)
    value = store.get(key)
    if value is None:
        value = compute()
        if keep is None or keep(value):
            store.set(key, value)
    return value


def clear() -> None:
    """Forget everything cached by this process (the bench's cold measurements, tests)."""
    _recent.clear()
    if _active():
        cache.clear()
