"""Subscribing to the email digest: the form, double opt-in, managing preferences, unsubscribing.

Confirm, manage and unsubscribe act on a signed token from a mail (mail/tokens.py),
not on a session: they work without signing in. Links in mail only show a
page; the change is a POST from that page (or, for unsubscribing, the RFC 8058
one-click POST a mail client makes), so a mail scanner that follows links
changes nothing.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Form, HTTPException, Query, Request
from fastapi.responses import Response

from paperfeed.clock import now
from paperfeed.deps import EngineDep, composer_of, settings_of
from paperfeed.mail.addresses import AddressError, normalize_address
from paperfeed.mail.deliver import send_outbox
from paperfeed.mail.notices import request_subscription
from paperfeed.mail.preview import print_unsent
from paperfeed.mail.tokens import MAX_TOKEN, TokenError, read_confirm_token, read_token
from paperfeed.store.outbox import kept_message
from paperfeed.store.quotas import take
from paperfeed.store.subscriptions import (
    DEFAULT_COUNT,
    DEFAULT_HOUR,
    MAX_COUNT,
    Preferences,
    Subscription,
    SubscriptionError,
    Wanted,
    check_preferences,
    confirm,
    get_subscription,
    unsubscribe,
    update_preferences,
)
from paperfeed.store.users import get_user
from paperfeed.web.deps import CsrfDep, VisitorDep, render

router = APIRouter()
Token = Annotated[str, Query(max_length=MAX_TOKEN)]
FormToken = Annotated[str, Form(max_length=MAX_TOKEN)]
Field = Annotated[str, Form(max_length=400)]


def _prefs(
    frequency: str, topic: str, categories: str, count: str, allow_foryou: bool, hour: str = "", timezone: str = ""
) -> Preferences:
    try:
        n = int(count or DEFAULT_COUNT)
    except ValueError as exc:
        raise SubscriptionError(f"The number of papers is a whole number from 1 to {MAX_COUNT}.") from exc
    try:
        at = int(hour or DEFAULT_HOUR)
    except ValueError as exc:
        raise SubscriptionError("Choose an hour from 0 to 23.") from exc
    return check_preferences(
        frequency, topic, categories, n, allow_foryou=allow_foryou, hour=at, timezone=timezone or "UTC"
    )


def _message(request: Request, title: str, message: str, status_code: int = 200, **extra: object) -> Response:
    return render(request, "mail_message.html", {"title": title, "message": message, **extra}, status_code=status_code)


def _bad_link(exc: TokenError) -> HTTPException:
    return HTTPException(400, f"{exc} Ask for a new one by subscribing again.")


def _gone() -> HTTPException:
    return HTTPException(400, "This link belongs to a subscription that no longer exists.")


def _subscription(request: Request, engine, purpose: str, token: str) -> Subscription:  # type: ignore[no-untyped-def]
    """Return the subscription a token names, or answer 400 with what is wrong with the link."""
    try:
        sub_id, email = read_token(composer_of(request).secret, purpose, token)
    except TokenError as exc:
        raise _bad_link(exc) from exc
    with engine.connect() as conn:
        sub = get_subscription(conn, sub_id)
    if sub is None or sub.email != email:
        raise _gone()
    return sub


def _request(request: Request, engine, token: str) -> tuple[Subscription, Wanted, str | None]:  # type: ignore[no-untyped-def]
    """Return the subscription a confirm link names, what it asked for, and the account it would join."""
    try:
        sub_id, email, wanted = read_confirm_token(composer_of(request).secret, token)
    except TokenError as exc:
        raise _bad_link(exc) from exc
    with engine.connect() as conn:
        sub = get_subscription(conn, sub_id)
        owner = get_user(conn, wanted.user_id) if wanted.user_id is not None else None
    if sub is None or sub.email != email:
        raise _gone()
    return sub, wanted, owner.username if owner else None


@router.get("/subscribe")
def subscribe_form(
    request: Request,
    email: Annotated[str, Query(max_length=300)] = "",
    categories: Annotated[str, Query(max_length=400)] = "",
) -> Response:
    prefs = Preferences(
        topic="categories" if categories else "trending", categories=tuple(categories.replace(",", " ").split()[:20])
    )
    return render(request, "subscribe.html", {"email": email, "prefs": prefs, "error": None})


@router.post("/subscribe", dependencies=[CsrfDep])
def subscribe_post(
    request: Request,
    visitor: VisitorDep,
    engine: EngineDep,
    background: BackgroundTasks,
    email: Annotated[str, Form(max_length=300)] = "",
    frequency: Field = "daily",
    topic: Field = "trending",
    categories: Field = "",
    count: Field = "",
    hour: Field = "",
    timezone: Field = "",
) -> Response:
    try:
        address = normalize_address(email)
        prefs = _prefs(frequency, topic, categories, count, visitor.user is not None, hour, timezone)
    except (AddressError, SubscriptionError) as exc:
        shown = Preferences(
            frequency if frequency in ("daily", "weekly") else "daily",
            topic if topic in ("trending", "categories") else "trending",
            tuple(categories.split()[:20]),
            DEFAULT_COUNT,
        )
        return render(request, "subscribe.html", {"email": email, "prefs": shown, "error": str(exc)}, status_code=400)
    client = request.client.host if request.client else "unknown"
    with engine.begin() as conn:
        take(conn, "subscribe", f"address:{client}", now())  # each request may send a mail
        wanted = Wanted(prefs, visitor.user.id if visitor.user else None)
        key = request_subscription(conn, composer_of(request), address, wanted, now())
    settings = settings_of(request)
    if key and settings.smtp_host:
        background.add_task(send_outbox, engine, settings, keys=[key])
    elif key:
        background.add_task(_print_unsent, engine, key)
    # The same answer whether or not the address was known: the page reveals nothing about anyone.
    return _message(
        request,
        "Check your inbox",
        f"If {address} can receive mail, a message is on its way to it. Follow the link in it to "
        "confirm: nothing else is sent until you do.",
        aside=None
        if settings.smtp_host
        else "This site has no mail server set up yet, so no mail leaves it: whoever runs it sees each "
        "message printed where paperfeed runs, and admins read them at /admin/mail.",
    )


def _print_unsent(engine, key: str) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        kept = kept_message(conn, key)
    if kept is not None:
        print_unsent(kept.message)


@router.get("/subscribe/confirm")
def confirm_page(request: Request, engine: EngineDep, token: Token = "") -> Response:
    sub, wanted, owner = _request(request, engine, token)
    what = f"the {wanted.prefs.frequency} digest"
    if wanted.prefs.categories:
        what += " of " + ", ".join(wanted.prefs.categories)
    # Who asked is said before anything changes: a request made by someone else is recognisable here.
    whose = f", listed in the settings of the account @{owner}" if owner else ""
    return render(
        request,
        "mail_action.html",
        {
            "title": "Confirm your subscription",
            "action": "/subscribe/confirm",
            "token": token,
            "button": "Confirm",
            "message": f"Confirm that {sub.email} should receive {what}{whose}.",
        },
    )


@router.post("/subscribe/confirm")
def confirm_post(request: Request, engine: EngineDep, token: FormToken = "") -> Response:
    sub, wanted, _ = _request(request, engine, token)
    with engine.begin() as conn:
        confirmed = confirm(conn, sub.id, sub.email, wanted, now())
    if confirmed is None:
        raise _gone()
    manage = composer_of(request).links(confirmed, base="").manage
    return _message(
        request,
        "You are subscribed",
        f"{confirmed.email} will receive the {confirmed.prefs.frequency} digest. Every digest has a "
        "link to change what you receive and a link to unsubscribe.",
        link=(manage, "Change what you get"),
    )


@router.get("/unsubscribe")
def unsubscribe_page(request: Request, engine: EngineDep, token: Token = "") -> Response:
    sub = _subscription(request, engine, "unsubscribe", token)
    return render(
        request,
        "mail_action.html",
        {
            "title": "Unsubscribe",
            "action": "/unsubscribe",
            "token": token,
            "button": "Unsubscribe",
            "message": f"Stop sending the digest to {sub.email}?",
        },
    )


@router.post("/unsubscribe")
def unsubscribe_post(
    request: Request,
    engine: EngineDep,
    token: Token = "",
    form_token: Annotated[str, Form(alias="token", max_length=500)] = "",
) -> Response:
    """Unsubscribe at once: from the page's button, or RFC 8058's one-click POST to the mail's link."""
    sub = _subscription(request, engine, "unsubscribe", token or form_token)
    with engine.begin() as conn:
        unsubscribe(conn, sub.id, sub.email, now())
    return _message(
        request,
        "You are unsubscribed",
        f"Nothing more will be sent to {sub.email}.",
        link=("/subscribe?" + urlencode({"email": sub.email}), "Subscribe again"),
    )


@router.get("/subscriptions/manage")
def manage_page(request: Request, engine: EngineDep, token: Token = "") -> Response:
    sub = _subscription(request, engine, "manage", token)
    return _manage(request, sub, sub.prefs, token)


@router.post("/subscriptions/manage", dependencies=[CsrfDep])
def manage_post(
    request: Request,
    engine: EngineDep,
    token: FormToken = "",
    frequency: Field = "daily",
    topic: Field = "trending",
    categories: Field = "",
    count: Field = "",
    hour: Field = "",
    timezone: Field = "",
) -> Response:
    sub = _subscription(request, engine, "manage", token)
    try:
        prefs = _prefs(frequency, topic, categories, count, sub.user_id is not None, hour, timezone)
    except SubscriptionError as exc:
        return _manage(request, sub, sub.prefs, token, error=str(exc), status_code=400)
    with engine.begin() as conn:
        update_preferences(conn, sub.id, sub.email, prefs)
    return _manage(request, sub, prefs, token, done=True)


def _manage(
    request: Request,
    sub: Subscription,
    prefs: Preferences,
    token: str,
    *,
    error: str | None = None,
    done: bool = False,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "manage.html",
        {
            "sub": sub,
            "prefs": prefs,
            "token": token,
            "error": error,
            "done": done,
            "unsubscribe": composer_of(request).links(sub, base="").unsubscribe,
        },
        status_code=status_code,
    )
