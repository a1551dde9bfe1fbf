"""The state database (SQLite in DMS_STATE_DIR): staff users, sessions, the audit log, logins.

It is separate from the DuckDB file the workers read: that one is rebuilt and swapped,
this one is written by requests (logins) and by the command line, from several
processes at once, so it runs in WAL mode with a busy timeout. The audit log is
append-only: triggers refuse any UPDATE or DELETE of its rows.

Failed logins are not audit events: anyone can send them by the thousand, and they would
bury the staff's own events. They are counted instead, one row per account, address,
kind and 15-minute window (`login_attempts`, whose counters only grow), and the delay a
pair of account and address must wait after repeated failures lives in `login_throttle`,
so every worker process sees the same counts.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from dashboard.auth.sqlite import transaction

STATE_FILE = "state.sqlite3"
STAFF_ROLES = ("viewer", "editor", "admin")
SCHEMA_VERSION = 2
MAX_TEXT = 2000  # longest audit target/detail kept; longer text is cut, never refused
LOGIN_KINDS = ("failed", "throttled", "rate_limited")
ATTEMPT_WINDOW = timedelta(minutes=15)  # failed logins are counted per window of this length
# Growing delays per account and address: a few free mistakes, then 2 s, 4 s, 8 s ... up
# to 15 minutes; forgotten after an hour without a failure or after a successful login.
# Another address is never slowed down, so nobody can lock a colleague out.
FREE_FAILURES = 3
FIRST_DELAY = timedelta(seconds=2)
LONGEST_DELAY = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)


def _refuse(trigger: str, change: str, table: str, message: str, when: str = "") -> str:
    """A trigger refusing an UPDATE or DELETE of `table` (only when `when` holds): rows kept."""
    condition = f"\nWHEN {when}" if when else ""
    return (
        f"CREATE TRIGGER IF NOT EXISTS {trigger} BEFORE {change} ON {table}{condition}\n"
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
    )


_ATTEMPTS_ONLY_GROW = _refuse(
    "login_attempts_only_grow",
    "UPDATE",
    "login_attempts",
    "login attempt counts only grow",
    when="""NEW.attempts < OLD.attempts OR NEW.window_start <> OLD.window_start
    OR NEW.account <> OLD.account OR NEW.address <> OLD.address OR NEW.kind <> OLD.kind
    OR NEW.first_at <> OLD.first_at""",
)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN {STAFF_ROLES!r}),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users (username),
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (username);
CREATE TABLE IF NOT EXISTS audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    actor TEXT NOT NULL CHECK (actor <> ''),
    action TEXT NOT NULL CHECK (action <> ''),
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_by_action_target ON audit_events (action, target, time);
{_refuse("audit_events_no_update", "UPDATE", "audit_events", "audit events are append-only")}
{_refuse("audit_events_no_delete", "DELETE", "audit_events", "audit events are append-only")}
CREATE TABLE IF NOT EXISTS login_attempts (
    window_start TEXT NOT NULL,
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN {LOGIN_KINDS!r}),
    attempts INTEGER NOT NULL CHECK (attempts > 0),
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    reasons TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (window_start, account, address, kind)
);
CREATE INDEX IF NOT EXISTS login_attempts_by_time ON login_attempts (last_at);
{_ATTEMPTS_ONLY_GROW}
{_refuse("login_attempts_no_delete", "DELETE", "login_attempts", "login attempt counts are kept")}
CREATE TABLE IF NOT EXISTS login_throttle (
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    failures INTEGER NOT NULL,
    last_failure TEXT NOT NULL,
    blocked_until TEXT NOT NULL,
    PRIMARY KEY (account, address)
);
"""


def now() -> datetime:
    """The current time in UTC (one place, so tests can reason about it)."""
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """A UTC time as stored: ISO 8601 with seconds."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def token_digest(token: str) -> str:
    """What the sessions table keeps of a session token: a leaked table opens no session."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class User:
    """A staff account as stored (the password hash stays in the store)."""

    username: str
    role: str
    active: bool
    created_at: str
    password_changed_at: str


@dataclass(frozen=True)
class LoginAttempts:
    """Failed (or refused) logins of one account from one address in one window."""

    window_start: str
    account: str
    address: str
    kind: str  # one of LOGIN_KINDS
    attempts: int
    first_at: str
    last_at: str
    reasons: str  # the distinct reasons, comma-separated ("password", "unknown user", ...)


def window_start(moment: datetime) -> datetime:
    """The start of the counting window a moment falls in."""
    size = int(ATTEMPT_WINDOW.total_seconds())
    return datetime.fromtimestamp(int(moment.timestamp()) // size * size, UTC)


def failure_delay(failures: int) -> timedelta:
    """How long an account and address wait after so many failures in a row."""
    if failures <= FREE_FAILURES:
        return timedelta(0)
    doublings = min(failures - FREE_FAILURES - 1, 20)
    return min(FIRST_DELAY * 2**doublings, LONGEST_DELAY)


@dataclass(frozen=True)
class AuditEvent:
    """One row of the audit log."""

    id: int
    time: str
    actor: str
    action: str
    target: str
    detail: str


class StateStore:
    """Users, sessions and the audit log in one SQLite file."""

    def __init__(self, state_dir: Path):
        self.path = state_dir / STATE_FILE
        self._ready = False

    def connect(self, write: bool = False) -> AbstractContextManager[sqlite3.Connection]:
        """A short-lived connection; `write` takes the write lock up front (BEGIN IMMEDIATE)."""
        self._ensure()
        return transaction(self.path, timeout=15, write=write, foreign_keys=True)

    def _ensure(self) -> None:
        if self._ready:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        created = not self.path.exists()
        connection = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        try:
            connection.execute("PRAGMA busy_timeout = 15000")
            connection.execute("PRAGMA journal_mode = WAL")
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION:
                connection.executescript(_SCHEMA)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        finally:
            connection.close()
        if created:
            os.chmod(self.path, 0o600)
        self._ready = True

    # --- users -----------------------------------------------------------------------

    def get_user(self, username: str) -> User | None:
        """The account of that name, or None."""
        with self.connect() as db:
            row = db.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
        return _user(row) if row else None

    def password_hash(self, username: str) -> str | None:
        """The stored argon2 hash of an account, or None when there is no such account."""
        with self.connect() as db:
            row = db.execute(
                "SELECT password_hash FROM users WHERE username = ?", (username,)
            ).fetchone()
        return str(row["password_hash"]) if row else None

    def list_users(self) -> list[User]:
        """Every account, by name."""
        with self.connect() as db:
            rows = db.execute("SELECT * FROM users ORDER BY username").fetchall()
        return [_user(row) for row in rows]

    def add_user(self, username: str, password_hash: str, role: str) -> User:
        """Create an account; an existing name is refused (sqlite3.IntegrityError)."""
        stamp = iso(now())
        with self.connect(write=True) as db:
            db.execute(
                "INSERT INTO users (username, password_hash, role, active, created_at,"
                " password_changed_at) VALUES (?, ?, ?, 1, ?, ?)",
                (username, password_hash, role, stamp, stamp),
            )
        user = self.get_user(username)
        assert user is not None
        return user

    def set_password_hash(self, username: str, password_hash: str, *, changed: bool) -> bool:
        """Store a new hash; `changed` (a reset, not a rehash) also ends every session."""
        with self.connect(write=True) as db:
            if changed:
                cursor = db.execute(
                    "UPDATE users SET password_hash = ?, password_changed_at = ?"
                    " WHERE username = ?",
                    (password_hash, iso(now()), username),
                )
                _revoke_all(db, username)
            else:
                cursor = db.execute(
                    "UPDATE users SET password_hash = ? WHERE username = ?",
                    (password_hash, username),
                )
        return cursor.rowcount == 1

    def set_active(self, username: str, active: bool) -> bool:
        """Enable or disable an account; disabling ends its sessions at once."""
        with self.connect(write=True) as db:
            cursor = db.execute(
                "UPDATE users SET active = ? WHERE username = ?", (int(active), username)
            )
            if not active:
                _revoke_all(db, username)
        return cursor.rowcount == 1

    def set_role(self, username: str, role: str) -> bool:
        """Change an account's role; its sessions end so the new role applies cleanly."""
        with self.connect(write=True) as db:
            cursor = db.execute("UPDATE users SET role = ? WHERE username = ?", (role, username))
            _revoke_all(db, username)
        return cursor.rowcount == 1

    # --- sessions --------------------------------------------------------------------

    def open_session(self, token: str, username: str, lifetime: timedelta) -> None:
        """Record a new session (only the token's digest is kept)."""
        start = now()
        with self.connect(write=True) as db:
            db.execute(
                "INSERT INTO sessions (token_hash, username, created_at, last_seen, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (token_digest(token), username, iso(start), iso(start), iso(start + lifetime)),
            )

    def session_user(self, token: str, idle: timedelta) -> User | None:
        """The active user of a live session, or None (expired, idle, revoked, disabled)."""
        moment = now()
        with self.connect() as db:
            row = db.execute(
                "SELECT s.last_seen, s.expires_at, s.revoked_at, u.* FROM sessions s"
                " JOIN users u ON u.username = s.username WHERE s.token_hash = ?",
                (token_digest(token),),
            ).fetchone()
        if row is None or row["revoked_at"] is not None or not row["active"]:
            return None
        if datetime.fromisoformat(row["expires_at"]) <= moment:
            return None
        if datetime.fromisoformat(row["last_seen"]) + idle <= moment:
            return None
        if (moment - datetime.fromisoformat(row["last_seen"])).total_seconds() > 60:
            with self.connect(write=True) as db:
                db.execute(
                    "UPDATE sessions SET last_seen = ? WHERE token_hash = ?",
                    (iso(moment), token_digest(token)),
                )
        return _user(row)

    def close_session(self, token: str) -> None:
        """End one session (logout)."""
        with self.connect(write=True) as db:
            db.execute(
                "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                (iso(now()), token_digest(token)),
            )

    # --- audit log -------------------------------------------------------------------

    def record_event(self, actor: str, action: str, target: str = "", detail: Any = "") -> None:
        """Append one event to the audit log; detail may be text or JSON-serialisable."""
        if not actor or not action:
            raise ValueError("an audit event needs an actor and an action")
        text = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False)
        with self.connect(write=True) as db:
            db.execute(
                "INSERT INTO audit_events (time, actor, action, target, detail)"
                " VALUES (?, ?, ?, ?, ?)",
                (iso(now()), actor[:200], action[:200], str(target)[:MAX_TEXT], text[:MAX_TEXT]),
            )

    def events(
        self, limit: int = 200, action: str | None = None, actor: str | None = None
    ) -> list[AuditEvent]:
        """The latest audit events first, optionally of one action or actor."""
        rows = self._latest("audit_events", "id DESC", limit, action=action, actor=actor)
        return [AuditEvent(**dict(row)) for row in rows]

    # --- failed logins: counted per window, and the delay per account and address ----

    def login_wait(self, account: str, address: str) -> timedelta:
        """How long this account must still wait before a login from this address."""
        with self.connect() as db:
            row = db.execute(
                "SELECT blocked_until FROM login_throttle WHERE account = ? AND address = ?",
                (account[:200], address[:100]),
            ).fetchone()
        if row is None:
            return timedelta(0)
        return max(datetime.fromisoformat(row["blocked_until"]) - now(), timedelta(0))

    def login_failed(self, account: str, address: str, reason: str) -> timedelta:
        """Count a failed login; returns the delay it now costs this account and address."""
        moment = now()
        account, address = account[:200], address[:100]
        with self.connect(write=True) as db:
            row = db.execute(
                "SELECT failures, last_failure FROM login_throttle"
                " WHERE account = ? AND address = ?",
                (account, address),
            ).fetchone()
            recent = row is not None and (
                moment - datetime.fromisoformat(row["last_failure"]) < FORGET_AFTER
            )
            failures = int(row["failures"]) + 1 if recent else 1
            delay = failure_delay(failures)
            db.execute(
                "INSERT INTO login_throttle (account, address, failures, last_failure,"
                " blocked_until) VALUES (?, ?, ?, ?, ?) ON CONFLICT (account, address)"
                " DO UPDATE SET failures = excluded.failures,"
                " last_failure = excluded.last_failure, blocked_until = excluded.blocked_until",
                (account, address, failures, iso(moment), iso(moment + delay)),
            )
            _count_attempt(db, moment, account, address, "failed", reason)
        return delay

    def login_refused(self, account: str, address: str, kind: str) -> None:
        """Count a login refused before its password was looked at (throttled, rate limited)."""
        with self.connect(write=True) as db:
            _count_attempt(db, now(), account[:200], address[:100], kind, "")

    def login_succeeded(self, account: str, address: str) -> None:
        """A successful login forgets the failures of this account from this address."""
        with self.connect(write=True) as db:
            db.execute(
                "DELETE FROM login_throttle WHERE account = ? AND address = ?",
                (account[:200], address[:100]),
            )

    def login_attempts(
        self, limit: int = 200, account: str | None = None, kind: str | None = None
    ) -> list[LoginAttempts]:
        """The latest counted login failures first, optionally of one account or kind."""
        rows = self._latest(
            "login_attempts", "last_at DESC, rowid DESC", limit, account=account, kind=kind
        )
        return [LoginAttempts(**dict(row)) for row in rows]

    def _latest(
        self, table: str, order: str, limit: int, **equal_to: str | None
    ) -> list[sqlite3.Row]:
        """The first ``limit`` rows of a table in ``order``, matching every given column.

        The table, order and column names come from this class, never from a request;
        the values are bound.
        """
        given = {column: value for column, value in equal_to.items() if value is not None}
        clauses = " AND ".join(f"{column} = ?" for column in given)
        where = f"WHERE {clauses}" if clauses else ""
        with self.connect() as db:
            return db.execute(
                f"SELECT * FROM {table} {where} ORDER BY {order} LIMIT ?",
                (*given.values(), int(limit)),
            ).fetchall()


def _count_attempt(
    db: sqlite3.Connection, moment: datetime, account: str, address: str, kind: str, reason: str
) -> None:
    """One more attempt in the row of this window, account, address and kind."""
    if kind not in LOGIN_KINDS:
        raise ValueError(f"unknown kind of login attempt {kind!r}")
    key = (iso(window_start(moment)), account, address, kind)
    row = db.execute(
        "SELECT reasons FROM login_attempts"
        " WHERE window_start = ? AND account = ? AND address = ? AND kind = ?",
        key,
    ).fetchone()
    if row is None:
        db.execute(
            "INSERT INTO login_attempts (window_start, account, address, kind, attempts,"
            " first_at, last_at, reasons) VALUES (?, ?, ?, ?, 1, ?, ?, ?)",
            (*key, iso(moment), iso(moment), reason),
        )
        return
    reasons = [part for part in row["reasons"].split(", ") if part]
    if reason and reason not in reasons:
        reasons.append(reason)
    db.execute(
        "UPDATE login_attempts SET attempts = attempts + 1, last_at = ?, reasons = ?"
        " WHERE window_start = ? AND account = ? AND address = ? AND kind = ?",
        (iso(moment), ", ".join(sorted(reasons)), *key),
    )


def _revoke_all(db: sqlite3.Connection, username: str) -> None:
    db.execute(
        "UPDATE sessions SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL",
        (iso(now()), username),
    )


def _user(row: sqlite3.Row) -> User:
    return User(
        username=row["username"],
        role=row["role"],
        active=bool(row["active"]),
        created_at=row["created_at"],
        password_changed_at=row["password_changed_at"],
    )


_stores: dict[Path, StateStore] = {}


def get_store(state_dir: Path | None = None) -> StateStore:
    """The state store of this process for the configured directory."""
    if state_dir is None:
        from dashboard.settings import get_settings

        state_dir = get_settings().state_dir
    store = _stores.get(state_dir)
    if store is None:
        store = _stores[state_dir] = StateStore(state_dir)
    return store
