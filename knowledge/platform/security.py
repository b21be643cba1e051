"""Password hashing (argon2id), session tokens (random, stored only as a hash) and the
anti-forgery tokens derived from them."""

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
# Verified when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _derived(secret: str, purpose: bytes) -> str:
    return hmac.new(secret.encode(), purpose, hashlib.sha256).hexdigest()


def csrf_token(session_token: str) -> str:
    """Bound to the session, so a form from another site cannot know it."""
    return _derived(session_token, b"kb-admin-csrf")


def login_form_token(pre_session: str) -> str:
    """The login form's field, bound to the random cookie set with the form (double submit):
    another site can neither read that cookie nor the form, so it cannot log a staff
    member's browser into an account of its choosing."""
    return _derived(pre_session, b"kb-admin-login")


def same_secret(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
