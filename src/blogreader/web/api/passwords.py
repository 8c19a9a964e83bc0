"""The API password: kept only as a salted scrypt hash; checked in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

# scrypt with n=2**14, r=8 takes about 50 ms and 16 MB: slow to guess, quick enough to log in.
_N, _R, _P = 2**14, 8, 1
USER_NAME = re.compile(r"^[A-Za-z0-9._@+-]{1,64}$")
MIN_LENGTH = 8
MAX_LENGTH = 1024


def hash_password(password: str) -> str:
    """"scrypt$n$r$p$salt$hash" for `password`, with a fresh random salt."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, _N, _R, _P)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    """Does `password` match `stored`? A malformed `stored` matches nothing."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt" or not all(p.isdigit() for p in parts[1:4]):
        return False
    n, r, p = (int(value) for value in parts[1:4])
    if not (2 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16):
        return False
    try:
        salt, expected = _unb64(parts[4]), _unb64(parts[5])
    except ValueError:
        return False
    return hmac.compare_digest(_scrypt(password, salt, n, r, p), expected)


def burn_time(password: str) -> None:
    """Spend what a check costs, so a wrong user name answers as slowly as a wrong password."""
    _scrypt(password, b"\0" * 16, _N, _R, _P)


def password_problem(password: str) -> str | None:
    """Why `password` cannot be the API password, or None."""
    if len(password) < MIN_LENGTH:
        return f"the API password needs at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"the API password can have at most {MAX_LENGTH} characters"
    return None


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    data = password.encode("utf-8", "surrogatepass")[:4 * MAX_LENGTH]
    return hashlib.scrypt(data, salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError(str(exc)) from None
