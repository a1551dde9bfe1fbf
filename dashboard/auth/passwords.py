"""Password hashing (argon2id) and the password and user-name rules.

No password is ever built in or defaulted: accounts are made with
`dms-dashboard users add`, which reads the password from the terminal or stdin.
"""

from __future__ import annotations

import re
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256  # long enough for passphrases, short enough to bound hashing work
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

# argon2-cffi's defaults are RFC 9106's second recommended profile (argon2id, 64 MiB, t=3).
_hasher = PasswordHasher()


class PolicyError(ValueError):
    """A user name or password that the rules refuse; the message says which rule."""


def normalise_username(value: str) -> str:
    """User names are compared lower-case and without surrounding blanks."""
    return value.strip().lower()


def check_username(username: str) -> str:
    """The normalised user name, or PolicyError."""
    name = normalise_username(username)
    if not USERNAME_PATTERN.match(name):
        raise PolicyError(
            "a user name is 2-64 characters: lower-case letters, digits, '.', '_' or '-',"
            " starting with a letter or digit"
        )
    return name


def check_password(password: str, username: str) -> None:
    """Refuse a password that is too short, too long or the user name itself."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PolicyError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PolicyError(f"the password must have at most {MAX_PASSWORD_LENGTH} characters")
    if normalise_username(password) == normalise_username(username):
        raise PolicyError("the password must not be the user name")


def hash_password(password: str) -> str:
    """An argon2id hash with its parameters and salt, as stored."""
    return _hasher.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verified against when the user does not exist, so that an unknown name costs the
    # same time as a wrong password (no user enumeration through timing).
    return _hasher.hash("not a password: equalises the time of unknown user names")


def warm_up() -> None:
    """Compute the dummy hash now (at start-up) rather than in the first failed login."""
    _dummy_hash()


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether the password matches; with no stored hash, spends the same work and says no."""
    too_long = len(password) > MAX_PASSWORD_LENGTH
    if too_long:  # no stored password is this long; still spend the same work
        stored_hash, password = None, password[:MAX_PASSWORD_LENGTH]
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether a hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)
