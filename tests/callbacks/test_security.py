"""Hardening through Flask's test client: CSRF, logins, sessions, headers, errors, text."""

from __future__ import annotations

import io
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import dash
import openpyxl
import pandas as pd
import pytest
from dash import html

from dashboard import security
from dashboard.auth import passwords
from dashboard.auth.store import StateStore, get_store
from dashboard.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough test password"
FRAME_CALLBACK = "..frame-nav.children...frame-footer.children.."


@pytest.fixture()
def fresh_client(app):
    client = app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.77.{id(client) % 250}.{time.monotonic_ns() % 250}"
    client.get("/")
    return client


@pytest.fixture()
def account(app):
    """A throw-away editor account with its own name."""
    name = f"user{time.monotonic_ns() % 10**9}"
    get_store().add_user(name, passwords.hash_password(PASSWORD), "editor")
    return name


def post_login(client, username, password, token=True, **extra):
    data = {"username": username, "password": password, **extra}
    if token:
        client.get("/hyrja")
        data["csrf_token"] = client.get_cookie("_csrf_token").value
    return client.post("/hyrja", data=data)


def without_token(body: bytes) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", body.decode())


# --- CSRF ---------------------------------------------------------------------------


def test_a_login_without_csrf_token_is_refused(fresh_client, account):
    response = post_login(fresh_client, account, PASSWORD, token=False)
    assert response.status_code == 400
    assert fresh_client.get("/ngarkimi").status_code == 302  # not logged in


def test_a_callback_without_or_with_a_foreign_csrf_token_is_refused(app, fresh_client, dash_post):
    inputs = [
        {"id": "url", "property": "pathname", "value": "/"},
        {"id": "url", "property": "search", "value": ""},
    ]
    body = {
        "output": FRAME_CALLBACK,
        "outputs": [
            {"id": "frame-nav", "property": "children"},
            {"id": "frame-footer", "property": "children"},
        ],
        "inputs": inputs,
        "state": [],
    }
    assert dash_post(fresh_client, FRAME_CALLBACK, inputs).status_code == 200
    missing = fresh_client.post("/_dash-update-component", json=body)
    assert missing.status_code == 400 and "CSRF" in missing.get_json()["error"]["message"]
    other = app.server.test_client()
    other.get("/")
    foreign = other.get_cookie("_csrf_token").value
    wrong = fresh_client.post(
        "/_dash-update-component", json=body, headers={"X-CSRFToken": foreign}
    )
    assert wrong.status_code == 400


def test_a_request_from_another_site_is_refused_before_anything_else(fresh_client, account):
    fresh_client.get("/hyrja")
    response = fresh_client.post(
        "/hyrja",
        data={
            "username": account,
            "password": PASSWORD,
            "csrf_token": fresh_client.get_cookie("_csrf_token").value,
        },
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    site = fresh_client.post("/hyrja", headers={"Sec-Fetch-Site": "cross-site"})
    assert site.status_code == 403


def test_dash_sends_the_token_the_app_sets(app):
    # dash-renderer copies the cookie into the header on every callback request: Dash 4.2+
    # names them in its config (csrf_token_name, csrf_header_name), 4.1 has them built in.
    assert getattr(app.config, "csrf_token_name", security.CSRF_COOKIE) == security.CSRF_COOKIE
    assert getattr(app.config, "csrf_header_name", security.CSRF_HEADER) == security.CSRF_HEADER
    renderer = Path(dash.__file__).parent / "dash-renderer" / "build" / "dash_renderer.min.js"
    bundle = renderer.read_text(encoding="utf-8")
    assert security.CSRF_COOKIE in bundle and security.CSRF_HEADER in bundle
    assert security.CSRF_HEADER in app.server.config.get("WTF_CSRF_HEADERS", ["X-CSRFToken"])


# --- logins ---------------------------------------------------------------------------


def test_login_logout_and_the_old_cookie_is_dead_afterwards(fresh_client, account):
    assert post_login(fresh_client, account, PASSWORD).status_code == 302
    assert fresh_client.get("/ngarkimi").status_code == 200
    stolen = fresh_client.get_cookie("dms_session").value
    assert fresh_client.get("/dalja").status_code == 200  # a GET only shows the form
    assert fresh_client.get("/ngarkimi").status_code == 200
    token = fresh_client.get_cookie("_csrf_token").value
    assert fresh_client.post("/dalja", data={"csrf_token": token}).status_code == 302
    assert fresh_client.get("/ngarkimi").status_code == 302
    fresh_client.set_cookie("dms_session", stolen)  # a copy taken before the logout
    assert fresh_client.get("/ngarkimi").status_code == 302
    actions = [e.action for e in get_store().events(limit=20, actor=account)]
    assert "auth.logout" in actions and "auth.login" in actions


def test_the_login_goes_on_only_to_a_page_of_this_site(fresh_client, account):
    response = post_login(fresh_client, account, PASSWORD, next="//evil.example/x")
    assert response.headers["Location"] == "/"
    fresh_client.post("/dalja", data={"csrf_token": fresh_client.get_cookie("_csrf_token").value})
    response = post_login(fresh_client, account, PASSWORD, next="/ngarkimi?lang=en")
    assert response.headers["Location"] == "/ngarkimi?lang=en"


def test_unknown_user_wrong_password_and_disabled_account_get_the_same_answer(app, account):
    disabled = f"{account}x"
    get_store().add_user(disabled, passwords.hash_password(PASSWORD), "viewer")
    get_store().set_active(disabled, False)
    answers, timings = {}, {}
    for case, (name, password) in {
        "unknown": ("nobody-here", PASSWORD),
        "wrong": (account, "not the password at all"),
        "disabled": (disabled, PASSWORD),
    }.items():
        times = []
        for _ in range(3):
            client = app.server.test_client()
            client.environ_base["REMOTE_ADDR"] = f"10.88.{len(times)}.{len(answers)}"
            client.get("/hyrja")
            token = client.get_cookie("_csrf_token").value
            started = time.perf_counter()
            response = client.post(
                "/hyrja", data={"username": name, "password": password, "csrf_token": token}
            )
            times.append(time.perf_counter() - started)
        answers[case] = (response.status_code, without_token(response.data).replace(name, "N"))
        timings[case] = statistics.median(times)
    assert answers["unknown"] == answers["wrong"] == answers["disabled"]
    assert (
        answers["unknown"][0] == 200
        and "Emër përdoruesi ose fjalëkalim i gabuar" in answers["unknown"][1]
    )
    # Unknown names are checked against a dummy hash: no shortcut to tell them apart.
    assert timings["unknown"] > 0.4 * timings["wrong"], timings


def test_repeated_failed_logins_are_limited_per_address(app, account):
    client = app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.99.99.1"
    codes = [post_login(client, f"guess{i}", "wrong password!!").status_code for i in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429
    # Even the right password waits now, from this address.
    assert post_login(client, account, PASSWORD).status_code == 429


def test_failed_logins_from_other_addresses_never_lock_an_account_out(app, account):
    # Guessing wrong on purpose from anywhere must not keep the owner out (it used to:
    # five failures from any address locked the account for 15 minutes).
    for i in range(6):
        client = app.server.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.98.{i}.1"
        assert post_login(client, account, "wrong password!!").status_code == 200
    client = app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.98.9.9"
    assert post_login(client, account, PASSWORD).status_code == 302
    # From the guessing address, the guesser waits (and an unknown name the same way).
    for name in (account, "ghost-user"):
        client = app.server.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.97.{len(name)}.1"
        codes = [post_login(client, name, "wrong password!!").status_code for _ in range(5)]
        assert codes == [200, 200, 200, 200, 429], (name, codes)
        assert "Shumë përpjekje" in post_login(client, name, PASSWORD).data.decode()


def test_sessions_expire_when_idle_and_absolutely(app, account, monkeypatch):
    from dashboard.auth import store as store_module

    settings = get_settings()
    real_now = store_module.now
    client = app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.96.1.1"
    assert post_login(client, account, PASSWORD).status_code == 302
    assert client.get("/ngarkimi").status_code == 200
    idle = timedelta(minutes=settings.session_idle_minutes, seconds=5)
    monkeypatch.setattr(store_module, "now", lambda: real_now() + idle)
    assert client.get("/ngarkimi").status_code == 302
    monkeypatch.setattr(store_module, "now", real_now)
    assert post_login(client, account, PASSWORD).status_code == 302
    step = timedelta(minutes=settings.session_idle_minutes - 1)
    # Used every 29 minutes, the session lives until its absolute end, and not beyond.
    for hop in range(1, int(timedelta(hours=settings.session_hours) / step) + 3):
        moment = real_now() + hop * step
        monkeypatch.setattr(store_module, "now", lambda moment=moment: moment)
        if client.get("/ngarkimi").status_code == 302:
            break
    assert hop * step >= timedelta(hours=settings.session_hours)
    assert hop * step < timedelta(hours=settings.session_hours) + step * 2


def test_disabling_an_account_ends_its_sessions_at_once(app, account):
    client = app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.95.1.1"
    assert post_login(client, account, PASSWORD).status_code == 302
    assert client.get("/ngarkimi").status_code == 200
    get_store().set_active(account, False)
    assert client.get("/ngarkimi").status_code == 302


def test_session_cookies_are_httponly_samesite_and_secure_over_tls(app, fresh_client, account):
    response = post_login(fresh_client, account, PASSWORD)
    cookie = next(v for k, v in response.headers if k == "Set-Cookie" and "dms_session" in v)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.server.config["SESSION_COOKIE_SECURE"] is get_settings().tls
    csrf_cookie = next(
        v for k, v in fresh_client.get("/").headers if k == "Set-Cookie" and "_csrf_token" in v
    )
    assert "SameSite=Strict" in csrf_cookie and "HttpOnly" not in csrf_cookie


def test_the_audit_log_is_append_only():
    store = get_store()
    store.record_event("tester", "test.append", "x", {"n": 1})
    with sqlite3.connect(store.path) as db, pytest.raises(sqlite3.DatabaseError):
        db.execute("UPDATE audit_events SET actor = 'someone else'")
    with sqlite3.connect(store.path) as db, pytest.raises(sqlite3.DatabaseError):
        db.execute("DELETE FROM audit_events")
    with pytest.raises(ValueError):
        store.record_event("", "anonymous change")


def test_a_staff_callback_is_written_to_the_audit_log_with_its_author(app, login, dash_post):
    client = app.server.test_client()
    login(client, "editor")
    router = next(key for key in app.callback_map if "_pages_content.children" in key)
    inputs = [
        {"id": "_pages_location", "property": "pathname", "value": "/ngarkimi"},
        {"id": "_pages_location", "property": "search", "value": ""},
    ]
    before = len(get_store().events(limit=10_000, action="callback"))
    dash_post(client, router, inputs)
    events = get_store().events(limit=10_000, action="callback")
    assert len(events) == before + 1 and events[0].actor == "editor"


def test_a_new_state_store_has_no_account_and_no_default_password(tmp_path):
    assert StateStore(tmp_path).list_users() == []


# --- headers, errors, production ---------------------------------------------------------


def test_security_headers_on_pages_and_json(client):
    for path in ("/", "/cilesia", "/hyrja", "/api/v1/datasets"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert "'unsafe-eval'" not in csp and "script-src 'self' 'sha256-" in csp
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in headers  # plain HTTP here
    secure = client.get("/", base_url="https://dashboard.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_staff_pages_are_not_cached(staff_client, client):
    assert staff_client.get("/api/v1/datasets").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/api/v1/datasets").headers.get("Cache-Control", "")


def test_errors_are_json_without_traceback_and_debug_is_off(
    app, fresh_client, dash_post, monkeypatch
):
    assert app.server.debug is False and app.server.config["PROPAGATE_EXCEPTIONS"] is False
    inputs = [
        {"id": "url", "property": "pathname", "value": "/"},
        {"id": "url", "property": "search", "value": 12345},
    ]  # not a string: the caller's mistake, answered 400
    response = dash_post(fresh_client, FRAME_CALLBACK, inputs)
    assert response.status_code == 400
    assert response.get_json() == {
        "error": {"status": 400, "message": "wrong type of value for url.search"}
    }

    def broken(*_args, **_kwargs):
        raise RuntimeError("a server bug")

    monkeypatch.setitem(app.callback_map[FRAME_CALLBACK], "callback", broken)
    inputs[1]["value"] = ""
    response = dash_post(fresh_client, FRAME_CALLBACK, inputs)
    assert response.status_code == 500
    assert response.get_json() == {"error": {"status": 500, "message": "internal error"}}
    assert b"Traceback" not in response.data and b'File "' not in response.data


def run_app_import(env_overrides: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DMS_SECRET", "DASH_"))}
    env.update({"DMS_STATE_DIR": str(tmp_path / "state"), **env_overrides})
    return subprocess.run(
        [sys.executable, "-c", "import dashboard.app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    missing = run_app_import({"DMS_ENV": "production"}, tmp_path)
    assert missing.returncode != 0 and "DMS_SECRET_KEY is not set" in missing.stderr
    short = run_app_import({"DMS_ENV": "production", "DMS_SECRET_KEY": "short"}, tmp_path)
    assert short.returncode != 0 and "too short" in short.stderr
    debug = run_app_import(
        {"DMS_ENV": "production", "DMS_SECRET_KEY": "k" * 48, "DASH_DEBUG": "true"}, tmp_path
    )
    assert debug.returncode != 0 and "no debug mode in production" in debug.stderr
    fine = run_app_import({"DMS_ENV": "production", "DMS_SECRET_KEY": "k" * 48}, tmp_path)
    assert fine.returncode == 0, fine.stderr


def test_outside_production_the_key_is_random_and_kept_for_every_worker(tmp_path):
    settings = get_settings().model_copy(update={"state_dir": tmp_path, "secret_key": ""})
    first = security.resolve_secret_key(settings)
    assert len(first) >= security.MIN_SECRET_LENGTH
    assert security.resolve_secret_key(settings) == first
    assert oct((tmp_path / security.DEV_SECRET_FILE).stat().st_mode)[-3:] == "600"
    production = settings.model_copy(update={"environment": "production"})
    with pytest.raises(security.InsecureConfiguration):
        security.resolve_secret_key(production)


# --- user-supplied text stays text --------------------------------------------------------

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_a_script_in_a_user_name_is_shown_as_text(fresh_client):
    response = post_login(fresh_client, SCRIPT, "whatever password")
    body = response.data.decode()
    assert "<script>alert" not in body and "onerror=alert(1)>" not in body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in body


def test_a_script_in_a_comment_or_file_name_is_a_text_child_in_tables(app):
    from dashboard.components.chart_card import data_table

    frame = pd.DataFrame({"file_name": [SCRIPT], "comment": ['=HYPERLINK("http://x")']})
    table = data_table(frame, "en")
    cells = [c for c in table._traverse() if isinstance(c, html.Td)]
    assert [c.children for c in cells] == [SCRIPT, '=HYPERLINK("http://x")']


def test_no_component_renders_raw_html():
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "dashboard").rglob("*.py"))
    for dangerous in ("dangerously_allow_html=True", "srcDoc", "dangerouslySetInnerHTML"):
        assert dangerous not in sources


def test_excel_downloads_never_turn_text_into_formulas():
    from dashboard.components.chart_data import encode_download

    frame = pd.DataFrame({"comment": ['=HYPERLINK("http://evil.example","click")'], "n": [1]})
    book = openpyxl.load_workbook(io.BytesIO(encode_download(frame, "xlsx")))
    sheet = book["data"]
    [cell] = [c for row in sheet.iter_rows() for c in row if "HYPERLINK" in str(c.value)]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_csv_downloads_never_hand_excel_a_formula(client):
    from dashboard.components.chart_data import register_chart_data
    from dashboard.opendata import encode

    frame = pd.DataFrame(
        {
            "file_name": ['=HYPERLINK("http://evil.example")', "-cmd|' /C calc'!A0", "ok.xlsx"],
            "status": ["-", "@SUM(A1)", "x"],
            "value": [-3, 4, 5],
            "source": ["upload", "upload", "upload"],
        }
    )
    register_chart_data("test-security-formulas", lambda _query: frame)
    for body in (
        client.get("/charts/test-security-formulas.csv").data,
        encode(frame, "csv"),
    ):
        text = body.decode("utf-8-sig")
        assert "\r\n\"'=HYPERLINK" in text and "\r\n'-cmd|" in text and ",'@SUM(A1)," in text
        assert ",-,-3," in text  # an ASK symbol and a negative number stay as they are
