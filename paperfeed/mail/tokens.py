"""Signed, expiring tokens for the links in mail: confirm, unsubscribe, manage.

Each token names one subscription and the address it had when signed, so a
token stops working if the subscription is deleted or its address changes.
Each purpose has its own salt: an unsubscribe token cannot confirm.
"""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

DAY = 86400
# How long a link in a mail works. Unsubscribe links live long: people unsubscribe from old mail.
LIFETIMES = {"confirm": 7 * DAY, "manage": 90 * DAY, "unsubscribe": 400 * DAY}
MAX_TOKEN = 400


class TokenError(ValueError):
    """A token that is forged, damaged, expired or meant for something else."""


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    if purpose not in LIFETIMES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return URLSafeTimedSerializer(secret, salt=f"paperfeed-mail-{purpose}")


def make_token(secret: str, purpose: str, subscription_id: int, email: str) -> str:
    return _serializer(secret, purpose).dumps([subscription_id, email])


def read_token(secret: str, purpose: str, token: str) -> tuple[int, str]:
    """Return (subscription id, address) from a token, or raise TokenError saying what is wrong."""
    if not token or len(token) > MAX_TOKEN:
        raise TokenError("This link is incomplete or damaged.")
    try:
        value = _serializer(secret, purpose).loads(token, max_age=LIFETIMES[purpose])
    except SignatureExpired as exc:
        raise TokenError("This link has expired.") from exc
    except BadSignature as exc:
        raise TokenError("This link is not valid: it may have been cut short or changed.") from exc
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str)):
        raise TokenError("This link is not valid.")
    return value[0], value[1]
