"""Hardening against anonymous abuse: failed-login counts, delays, shared limits, bad callbacks."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import pytest

from dashboard.auth import passwords, ratelimit
from dashboard.auth import store as store_module
from dashboard.auth.store import get_store, window_start
from dashboard.auth.views import ANY_ACCOUNT, limiter
from dashboard.i18n import t

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough test password"
FRAME_CALLBACK = "..frame-nav.children...frame-footer.children.."
FRAME_OUTPUTS = [
    {"id": "frame-nav", "property": "children"},
    {"id": "frame-footer", "property": "children"},
]


def audit_page():
    return sys.modules["dashboard.pages.audit"]


@pytest.fixture()
def account(app):
    """A throw-away editor account with its own name."""
    name = f"hard{time.monotonic_ns() % 10**9}"
    get_store().add_user(name, passwords.hash_password(PASSWORD), "editor")
    return name


@pytest.fixture()
def frozen_clock(monkeypatch):
    """The state store's clock, stopped in the middle of a counting window; move(seconds)."""
    start = window_start(store_module.now()) + timedelta(minutes=7)
    moment = {"now": start}
    monkeypatch.setattr(store_module, "now", lambda: moment["now"])

    def move(seconds: float) -> None:
        moment["now"] += timedelta(seconds=seconds)

    return move


def login_from(app, address: str, username: str, password: str):
    client = app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    client.get("/hyrja")
    token = client.get_cookie("_csrf_token").value
    return client.post(
        "/hyrja", data={"username": username, "password": password, "csrf_token": token}
    )


# --- failed logins: counted, not appended -------------------------------------------------


def test_failed_logins_are_one_row_per_account_address_and_window(app, account, frozen_clock):
    store = get_store()
    events_before = len(store.events(limit=100_000))
    codes = []
    for _ in range(3):
        codes.append(login_from(app, "10.61.1.1", account, "wrong password!!").status_code)
        frozen_clock(1)
    codes.append(login_from(app, "10.61.1.2", account, "wrong password!!").status_code)
    assert codes == [200, 200, 200, 200]
    rows = store.login_attempts(account=account)
    by_address = {row.address: row for row in rows}
    assert len(rows) == 2 and set(by_address) == {"10.61.1.1", "10.61.1.2"}
    assert by_address["10.61.1.1"].attempts == 3 and by_address["10.61.1.1"].kind == "failed"
    assert by_address["10.61.1.1"].reasons == "password"
    assert by_address["10.61.1.2"].attempts == 1
    # Not one anonymous row in the append-only audit log.
    assert len(store.events(limit=100_000)) == events_before
    # The next window starts a new row.
    frozen_clock(15 * 60)
    login_from(app, "10.61.1.2", account, "wrong password!!")
    assert len(store.login_attempts(account=account)) == 3


def test_login_attempt_counts_only_grow(app, account, frozen_clock):
    import sqlite3

    store = get_store()
    store.login_failed(account, "10.61.2.1", "password")
    with sqlite3.connect(store.path) as db, pytest.raises(sqlite3.DatabaseError):
        db.execute("UPDATE login_attempts SET attempts = 0")
    with sqlite3.connect(store.path) as db, pytest.raises(sqlite3.DatabaseError):
        db.execute("DELETE FROM login_attempts")


def test_a_state_store_of_the_first_version_gains_the_login_tables(tmp_path):
    import sqlite3

    store_module.StateStore(tmp_path).list_users()
    with sqlite3.connect(tmp_path / store_module.STATE_FILE) as db:
        db.execute("DROP TABLE login_attempts")
        db.execute("DROP TABLE login_throttle")
        db.execute("PRAGMA user_version = 1")
    upgraded = store_module.StateStore(tmp_path)
    assert upgraded.login_failed("someone", "10.60.1.1", "password") == timedelta(0)
    assert [row.attempts for row in upgraded.login_attempts()] == [1]


def test_an_anonymous_flood_does_not_push_real_events_off_the_audit_page(
    app, account, frozen_clock
):
    store = get_store()
    store.record_event("admin", "user.add", "real-event-before-the-flood", {"role": "viewer"})
    # Over the page's limit of rows, each a different account and address (the worst case
    # for counting: no two attempts share a row).
    for index in range(audit_page().LIMIT + 20):
        store.login_failed(f"guess{index}", f"10.62.{index // 250}.{index % 250}", "unknown user")
    everything = audit_page().audit_rows(kind="all")
    staff = audit_page().audit_rows(kind="staff")
    logins = audit_page().audit_rows(kind="logins")
    assert any(row.target == "real-event-before-the-flood" for row in everything)
    assert any(row.target == "real-event-before-the-flood" for row in staff)
    assert all(row.origin != "logins" for row in staff)
    assert len(logins) == audit_page().LIMIT and all(row.origin == "logins" for row in logins)
    # The page itself, by kind, in a table an admin reads.
    shown = str(audit_page().audit_table("en", kind="staff"))
    assert "real-event-before-the-flood" in shown and "guess1" not in shown


def test_an_http_flood_from_one_address_adds_a_few_counted_rows(app, account, frozen_clock):
    store = get_store()
    events_before = len(store.events(limit=100_000))
    address = "10.63.1.1"
    # Made-up names first, then the real one: what a flood of guesses looks like.
    names = [f"made-up-{index}" for index in range(20)] + [account] * 5
    codes = [login_from(app, address, name, "wrong!!").status_code for name in names]
    assert codes[:10] == [200] * 10 and set(codes[10:]) == {429}
    rows = [row for row in store.login_attempts(limit=100_000) if row.address == address]
    limited = [row for row in rows if row.kind == "rate_limited"]
    # One row per made-up name that reached the password check, one for all that did not.
    assert len(rows) == 11 and len(limited) == 1 and limited[0].account == ANY_ACCOUNT
    assert limited[0].attempts == 15 and sum(row.attempts for row in rows) == 25
    assert len(store.events(limit=100_000)) == events_before


# --- throttling: growing delays per account and address, no lockout -------------------------


def test_guessing_waits_longer_each_time_but_never_locks_the_account_out(
    app, account, frozen_clock
):
    guesser = "10.64.1.1"
    for _ in range(store_module.FREE_FAILURES):
        assert login_from(app, guesser, account, "wrong password!!").status_code == 200
    waits = []
    for _ in range(3):
        assert login_from(app, guesser, account, "wrong password!!").status_code == 200
        refused = login_from(app, guesser, account, PASSWORD)  # even the right one waits
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        assert t("auth.throttled_for", "sq", seconds=waits[-1]) in refused.data.decode()
        frozen_clock(waits[-1] + 1)
    assert waits == sorted(waits) and waits[0] < waits[1] < waits[2], waits
    # The colleague, from their own address, logs in at once: no lockout by a stranger.
    assert login_from(app, "10.64.2.2", account, PASSWORD).status_code == 302


def test_wrong_guesses_from_many_addresses_do_not_lock_the_account(app, account, frozen_clock):
    for index in range(12):
        assert login_from(app, f"10.65.{index}.1", account, "wrong!!").status_code == 200
    assert login_from(app, "10.65.99.1", account, PASSWORD).status_code == 302


def test_an_unknown_name_waits_the_same_way(app, frozen_clock):
    codes = [
        login_from(app, "10.66.1.1", "ghost-user", "wrong password!!").status_code
        for _ in range(store_module.FREE_FAILURES + 2)
    ]
    assert codes == [200] * (store_module.FREE_FAILURES + 1) + [429]


def test_the_delay_doubles_up_to_a_ceiling():
    delays = [store_module.failure_delay(n) for n in range(1, 30)]
    free = store_module.FREE_FAILURES
    assert delays[:free] == [timedelta(0)] * free
    assert delays[free] == store_module.FIRST_DELAY
    assert delays[free + 1] == 2 * store_module.FIRST_DELAY
    assert max(delays) == store_module.LONGEST_DELAY == delays[-1]


# --- one limit for every worker -----------------------------------------------------------

LIMITED_APP = """
import sys
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
import dashboard.auth.ratelimit  # registers the dms-sqlite:// storage

app = Flask("worker")
app.config["RATELIMIT_STORAGE_URI"] = sys.argv[1]
limiter = Limiter(get_remote_address, app=app)

@app.post("/hyrja")
@limiter.limit("10 per minute")
def login():
    return "ok"

client = app.test_client()
sys.stdin.readline()  # both workers start together
codes = [client.post("/hyrja").status_code for _ in range(8)]
print(codes.count(200))
"""


def test_two_worker_processes_share_one_login_limit(tmp_path):
    uri = ratelimit.storage_uri(tmp_path / "state")
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(LIMITED_APP), uri],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for worker in workers:  # both are running before either counts
        worker.stdin.write("go\n")
        worker.stdin.flush()
    results = [worker.communicate(timeout=120) for worker in workers]
    for worker, (_out, err) in zip(workers, results, strict=True):
        assert worker.returncode == 0, err
    allowed = [int(out.strip()) for out, _err in results]
    assert sum(allowed) == 10, allowed  # 16 requests from one address, 10 let through


def test_the_app_keeps_its_limits_in_the_shared_file_by_default(app, settings):
    assert isinstance(limiter.storage, ratelimit.SQLiteStorage)
    assert limiter.storage.path == (settings.state_dir / ratelimit.FILE_NAME).resolve()


def test_the_sqlite_storage_counts_windows(tmp_path):
    from limits import parse
    from limits.storage import storage_from_string
    from limits.strategies import FixedWindowRateLimiter

    storage = storage_from_string(ratelimit.storage_uri(tmp_path))
    assert isinstance(storage, ratelimit.SQLiteStorage) and storage.check()
    limit = parse("3 per second")
    limiter_ = FixedWindowRateLimiter(storage)
    assert [limiter_.hit(limit, "a") for _ in range(4)] == [True, True, True, False]
    assert limiter_.hit(limit, "b")  # another key has its own count
    assert storage.get(limit.key_for("a")) == 4  # the refused hit is counted too
    assert storage.get_expiry(limit.key_for("a")) > time.time()
    time.sleep(1.05)
    assert limiter_.hit(limit, "a") and limiter_.hit(limit, "b")  # a new window each
    storage.clear(limit.key_for("a"))
    assert storage.get(limit.key_for("a")) == 0
    assert storage.reset() == 1  # "b" was left


# --- malformed callback requests: 400, never 500 --------------------------------------------

GOOD_INPUTS = [
    {"id": "url", "property": "pathname", "value": "/"},
    {"id": "url", "property": "search", "value": ""},
]


def frame_body(**changes):
    body = {
        "output": FRAME_CALLBACK,
        "outputs": FRAME_OUTPUTS,
        "inputs": GOOD_INPUTS,
        "state": [],
        "changedPropIds": ["url.pathname"],
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not ...}


MALFORMED = {
    "not json": b"{not json",
    "a list": [1, 2],
    "no output": {"inputs": GOOD_INPUTS},
    "no inputs": frame_body(inputs=...),
    "inputs not a list": frame_body(inputs="url.pathname"),
    "an input too few": frame_body(inputs=GOOD_INPUTS[:1]),
    "an input too many": frame_body(inputs=[*GOOD_INPUTS, GOOD_INPUTS[0]]),
    "an input without property": frame_body(inputs=[{"id": "url"}, GOOD_INPUTS[1]]),
    "another component's input": frame_body(
        inputs=[{"id": "elsewhere", "property": "pathname", "value": "/"}, GOOD_INPUTS[1]]
    ),
    "state not a list": frame_body(state={"a": 1}),
    "outputs not objects": frame_body(outputs=["frame-nav"]),
    "changedPropIds not text": frame_body(changedPropIds=[1]),
    "a number for the search text": frame_body(
        inputs=[GOOD_INPUTS[0], {"id": "url", "property": "search", "value": 12345}]
    ),
    "a callback that runs in the browser": {
        "output": "briefing-print.title",
        "outputs": {"id": "briefing-print", "property": "title"},
        "inputs": [{"id": "briefing-print", "property": "n_clicks", "value": 1}],
        "state": [],
    },
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_callback_request_is_answered_400_not_500(app, client, csrf_token, case):
    body = MALFORMED[case]
    headers = {"X-CSRFToken": csrf_token(client)}
    if isinstance(body, bytes):
        response = client.post(
            "/_dash-update-component", data=body, content_type="application/json", headers=headers
        )
    else:
        response = client.post("/_dash-update-component", json=body, headers=headers)
    expected = 404 if case == "a callback that runs in the browser" else 400
    assert response.status_code == expected, response.data[:300]
    assert response.get_json()["error"]["status"] == expected


def test_a_wrong_type_in_a_callback_made_by_another_callback_is_400(app, client, csrf_token):
    # The menu toggler is made by the frame callback, so it is not in any page's layout:
    # a click count is a number for every component there is.
    response = client.post(
        "/_dash-update-component",
        json={
            "output": "navbar-collapse.is_open",
            "outputs": {"id": "navbar-collapse", "property": "is_open"},
            "inputs": [{"id": "navbar-toggler", "property": "n_clicks", "value": "x"}],
            "state": [],
            "changedPropIds": ["navbar-toggler.n_clicks"],
        },
        headers={"X-CSRFToken": csrf_token(client)},
    )
    assert response.status_code == 400
    assert "navbar-toggler.n_clicks" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("path", [["/"], "x", 7])
def test_a_path_no_browser_sends_is_400_where_the_page_router_fails_on_it(
    app, client, csrf_token, path
):
    from dash._utils import split_callback_id

    router = next(key for key in app.callback_map if "_pages_content.children" in key)
    inputs = [
        {**dependency, "value": path if dependency["property"] == "pathname" else ""}
        for dependency in app.callback_map[router]["inputs"]
    ]
    body = {
        "output": router,
        "outputs": split_callback_id(router),
        "inputs": inputs,
        "state": [
            {**dependency, "value": None} for dependency in app.callback_map[router]["state"]
        ],
        "changedPropIds": ["_pages_location.pathname"],
    }
    response = client.post(
        "/_dash-update-component", json=body, headers={"X-CSRFToken": csrf_token(client)}
    )
    assert response.status_code == 400, response.data[:300]
    assert "_pages_location.pathname" in response.get_json()["error"]["message"]


def test_a_well_formed_callback_request_still_works(app, client, csrf_token):
    response = client.post(
        "/_dash-update-component", json=frame_body(), headers={"X-CSRFToken": csrf_token(client)}
    )
    assert response.status_code == 200 and "frame-nav" in response.get_json()["response"]


def test_a_real_bug_with_valid_inputs_stays_a_500(app, client, csrf_token, monkeypatch):
    definition = app.callback_map[FRAME_CALLBACK]

    def broken(*_args, **_kwargs):
        raise TypeError("a bug in the server, not in the request")

    monkeypatch.setitem(definition, "callback", broken)
    response = client.post(
        "/_dash-update-component", json=frame_body(), headers={"X-CSRFToken": csrf_token(client)}
    )
    assert response.status_code == 500
    assert response.get_json() == {"error": {"status": 500, "message": "internal error"}}
