"""`dms-dashboard users`: add, log in, disable, refused, reset, list, as an operator runs it."""

from __future__ import annotations

import io
import sys

import pytest

from dashboard.auth.store import get_store
from dashboard.cli import main

FIRST = "first password, long enough"
SECOND = "second password, also long"


def users(monkeypatch, *args: str, stdin: str | None = None) -> int:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin + "\n"))
    return main(["users", *args])


def log_in(app, username: str, password: str) -> int:
    client = app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.55.{len(username)}.{len(password)}"
    client.get("/hyrja")
    response = client.post(
        "/hyrja",
        data={
            "username": username,
            "password": password,
            "csrf_token": client.get_cookie("_csrf_token").value,
        },
    )
    return response.status_code


def test_users_round_trip(app, monkeypatch, capsys):
    assert (
        users(monkeypatch, "add", "Ardita.K", "--role", "editor", "--password-stdin", stdin=FIRST)
        == 0
    )
    assert "added ardita.k (editor)" in capsys.readouterr().out
    assert log_in(app, "ardita.k", FIRST) == 302
    assert log_in(app, "ARDITA.K ", FIRST) == 302  # names are not case-sensitive

    assert users(monkeypatch, "disable", "ardita.k") == 0
    assert log_in(app, "ardita.k", FIRST) == 200  # the same answer as a wrong password

    assert users(monkeypatch, "enable", "ardita.k") == 0
    assert users(monkeypatch, "reset-password", "ardita.k", "--password-stdin", stdin=SECOND) == 0
    assert log_in(app, "ardita.k", FIRST) == 200
    assert log_in(app, "ardita.k", SECOND) == 302

    assert users(monkeypatch, "set-role", "ardita.k", "admin") == 0
    capsys.readouterr()
    assert users(monkeypatch, "list") == 0
    listing = capsys.readouterr().out
    assert "ardita.k" in listing and "admin" in listing and "argon2" not in listing

    actions = [e.action for e in get_store().events(limit=50) if e.target == "ardita.k"]
    for action in (
        "user.add",
        "user.disable",
        "user.enable",
        "user.reset_password",
        "user.set_role",
        "auth.login",
    ):
        assert action in actions, action
    # Failed logins are counted per account, address and window, not logged one by one.
    assert {row.kind for row in get_store().login_attempts(account="ardita.k")} == {"failed"}
    assert all(
        e.actor.startswith("cli:")
        for e in get_store().events(limit=50)
        if e.action.startswith("user.") and e.target == "ardita.k"
    )


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (("add", "shorty", "--role", "viewer", "--password-stdin"), "too short", 2, "at least"),
        (
            ("add", "samename1234", "--role", "viewer", "--password-stdin"),
            "SameName1234",
            2,
            "user name",
        ),
        (("add", "<script>x", "--role", "viewer", "--password-stdin"), FIRST, 2, "user name"),
        (("add", "nopass", "--role", "viewer"), None, 2, "--password-stdin"),
        (("reset-password", "nobody-at-all", "--password-stdin"), FIRST, 1, "no user"),
        (("disable", "nobody-at-all"), None, 1, "no user"),
    ],
)
def test_users_refuses_bad_input(monkeypatch, capsys, args, stdin, code, message):
    if stdin is None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal
    assert users(monkeypatch, *args, stdin=stdin) == code
    assert message in capsys.readouterr().err


def test_there_is_no_way_to_give_a_password_on_the_command_line(monkeypatch, capsys):
    with pytest.raises(SystemExit):
        main(["users", "add", "someone", "--role", "viewer", "--password", FIRST])
    assert get_store().get_user("someone") is None


def test_a_name_that_exists_is_refused(monkeypatch, capsys):
    assert (
        users(monkeypatch, "add", "twice", "--role", "viewer", "--password-stdin", stdin=FIRST) == 0
    )
    assert (
        users(monkeypatch, "add", "twice", "--role", "admin", "--password-stdin", stdin=FIRST) == 1
    )
    assert get_store().get_user("twice").role == "viewer"
