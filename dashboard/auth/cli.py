"""`dms-dashboard users add|disable|enable|set-role|reset-password|list`.

Passwords are read from the terminal (twice, without echo) or, for scripts, from the
first line of standard input with --password-stdin; never from the command line (it
would end up in the shell history and the process list) and never defaulted.
Every change is written to the audit log with the operating-system user as the actor.
"""

from __future__ import annotations

import argparse
import getpass
import sqlite3
import sys
from collections.abc import Callable

from dashboard.auth import passwords
from dashboard.auth.policy import STAFF_ROLES
from dashboard.auth.store import StateStore, get_store


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name in some containers
        return "cli:unknown"


def record_cli_event(action: str, target: str, detail: object = "") -> None:
    """Audit something done from the command line, with the operating-system user."""
    get_store().record_event(_actor(), action, target, detail)


def _read_password(args: argparse.Namespace, username: str) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise passwords.PolicyError(
                "no terminal to ask for the password: pipe it in with --password-stdin"
            )
        password = getpass.getpass(f"password for {username}: ")
        if getpass.getpass("again: ") != password:
            raise passwords.PolicyError("the two passwords differ")
    passwords.check_password(password, username)
    return password


def _cmd_add(args: argparse.Namespace) -> int:
    username = passwords.check_username(args.username)
    password = _read_password(args, username)
    store = get_store()
    try:
        store.add_user(username, passwords.hash_password(password), args.role)
    except sqlite3.IntegrityError:
        print(f"a user named {username!r} exists already", file=sys.stderr)
        return 1
    store.record_event(_actor(), "user.add", username, {"role": args.role})
    print(f"added {username} ({args.role})")
    return 0


def _cmd_disable(args: argparse.Namespace) -> int:
    return _set_active(args.username, False)


def _cmd_enable(args: argparse.Namespace) -> int:
    return _set_active(args.username, True)


def _set_active(username: str, active: bool) -> int:
    return _change_user(
        username,
        lambda store, name: store.set_active(name, active),
        "user.enable" if active else "user.disable",
        "",
        lambda name: f"enabled {name}" if active else f"disabled {name}; sessions ended",
    )


def _cmd_set_role(args: argparse.Namespace) -> int:
    return _change_user(
        args.username,
        lambda store, name: store.set_role(name, args.role),
        "user.set_role",
        {"role": args.role},
        lambda name: f"{name} is now {args.role}; sessions ended",
    )


def _change_user(
    username: str,
    change: Callable[[StateStore, str], bool],
    action: str,
    detail: dict[str, str] | str,
    done: Callable[[str], str],
) -> int:
    """Change one user (``change`` says whether the user exists), audit it and say so."""
    name = passwords.normalise_username(username)
    store = get_store()
    if not change(store, name):
        print(f"no user named {name!r}", file=sys.stderr)
        return 1
    store.record_event(_actor(), action, name, detail)
    print(done(name))
    return 0


def _cmd_reset_password(args: argparse.Namespace) -> int:
    name = passwords.normalise_username(args.username)
    store = get_store()
    if store.get_user(name) is None:
        print(f"no user named {name!r}", file=sys.stderr)
        return 1
    password = _read_password(args, name)
    store.set_password_hash(name, passwords.hash_password(password), changed=True)
    store.record_event(_actor(), "user.reset_password", name)
    print(f"password of {name} reset; sessions ended")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    users = get_store().list_users()
    print(f"{'user':<24} {'role':<8} {'active':<7} {'created':<26} password changed")
    for user in users:
        print(
            f"{user.username:<24} {user.role:<8} {'yes' if user.active else 'no':<7}"
            f" {user.created_at:<26} {user.password_changed_at}"
        )
    print(f"{len(users)} users")
    return 0


def _guarded(handler):  # noqa: ANN001, ANN202
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except passwords.PolicyError as error:
            print(f"refused: {error}", file=sys.stderr)
            return 2

    return run


def add_user_commands(commands: argparse._SubParsersAction) -> None:
    """Add `users ...` to the dms-dashboard parser."""
    users = commands.add_parser("users", help="staff accounts: add, disable, reset, list")
    actions = users.add_subparsers(dest="users_command", required=True)

    add = actions.add_parser("add", help="create a staff account (asks for the password)")
    add.add_argument("username")
    add.add_argument("--role", choices=STAFF_ROLES, required=True)
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.set_defaults(handler=_guarded(_cmd_add))

    disable = actions.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("username")
    disable.set_defaults(handler=_guarded(_cmd_disable))

    enable = actions.add_parser("enable", help="enable a disabled account again")
    enable.add_argument("username")
    enable.set_defaults(handler=_guarded(_cmd_enable))

    set_role = actions.add_parser("set-role", help="change an account's role")
    set_role.add_argument("username")
    set_role.add_argument("role", choices=STAFF_ROLES)
    set_role.set_defaults(handler=_guarded(_cmd_set_role))

    reset = actions.add_parser("reset-password", help="set a new password, end the sessions")
    reset.add_argument("username")
    reset.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    reset.set_defaults(handler=_guarded(_cmd_reset_password))

    listing = actions.add_parser("list", help="list the accounts (never the hashes)")
    listing.set_defaults(handler=_guarded(_cmd_list))
