"""Signed, expiring tokens for the links in mail: confirm, unsubscribe, manage.

Each token names one subscription and the address it had when signed, so a
token stops working if the subscription is deleted or its address changes.
Each purpose has its own salt: an unsubscribe token cannot confirm. A confirm
token also carries what its request asked for (preferences and the account it
came from): a subscription changes only when the mail to its address is read.
"""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from paperfeed.store.subscriptions import SubscriptionError, Wanted, check_preferences

DAY = 86400
# How long a link in a mail works. Unsubscribe links live long: people unsubscribe from old mail.
LIFETIMES = {"confirm": 7 * DAY, "manage": 90 * DAY, "unsubscribe": 400 * DAY}
MAX_TOKEN = 1500  # a confirm token carries up to 20 categories


class TokenError(ValueError):
    """A token that is forged, damaged, expired or meant for something else."""


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    if purpose not in LIFETIMES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return URLSafeTimedSerializer(secret, salt=f"paperfeed-mail-{purpose}")


def make_token(secret: str, purpose: str, subscription_id: int, email: str) -> str:
    return _serializer(secret, purpose).dumps([subscription_id, email])


def make_confirm_token(secret: str, subscription_id: int, email: str, wanted: Wanted) -> str:
    p = wanted.prefs
    request = [p.frequency, p.topic, " ".join(p.categories), p.count, p.hour, p.timezone, wanted.user_id]
    return _serializer(secret, "confirm").dumps([subscription_id, email, request])


def _load(secret: str, purpose: str, token: str, size: int) -> list[Any]:
    if not token or len(token) > MAX_TOKEN:
        raise TokenError("This link is incomplete or damaged.")
    try:
        value = _serializer(secret, purpose).loads(token, max_age=LIFETIMES[purpose])
    except SignatureExpired as exc:
        raise TokenError("This link has expired.") from exc
    except BadSignature as exc:
        raise TokenError("This link is not valid: it may have been cut short or changed.") from exc
    if not (
        isinstance(value, list)
        and len(value) == size
        and isinstance(value[0], int)
        and not isinstance(value[0], bool)
        and isinstance(value[1], str)
    ):
        raise TokenError("This link is not valid.")
    return value


def read_token(secret: str, purpose: str, token: str) -> tuple[int, str]:
    """Return (subscription id, address) from a token, or raise TokenError saying what is wrong."""
    value = _load(secret, purpose, token, 2)
    return value[0], value[1]


def read_confirm_token(secret: str, token: str) -> tuple[int, str, Wanted]:
    """Return (subscription id, address, what was asked for) from a confirm token."""
    sub_id, email, request = _load(secret, "confirm", token, 3)
    try:
        frequency, topic, categories, count, hour, timezone, user_id = request
        if user_id is not None and not isinstance(user_id, int):
            raise TypeError(user_id)
        prefs = check_preferences(
            frequency, topic, categories, count, allow_foryou=user_id is not None, hour=hour, timezone=timezone
        )
    except (TypeError, ValueError, SubscriptionError) as exc:  # signed by us, so only an older format lands here
        raise TokenError("This link is not valid: ask for a new one by subscribing again.") from exc
    return sub_id, email, Wanted(prefs, user_id)
