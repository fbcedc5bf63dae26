from datetime import UTC, datetime

import httpx
import pytest

from paperfeed.settings import Settings, SettingsError
from paperfeed.sources.http import RateLimiter, SourceError, retry_after_seconds


def test_limiter_spaces_requests_three_seconds_apart(clock, polite):
    http = polite(lambda r: httpx.Response(200, text="ok"))
    for _ in range(4):
        http.get("https://export.arxiv.org/api/query")
    gaps = [b - a for a, b in zip(clock.calls, clock.calls[1:], strict=False)]
    assert gaps == [3.0, 3.0, 3.0]


def test_limiter_does_not_wait_when_time_has_passed(clock):
    limiter = RateLimiter(3.0, clock, clock.sleep)
    limiter.wait()
    clock.now += 10
    limiter.wait()
    assert clock.sleeps == []


def test_retry_after_on_503_is_honoured(clock, polite):
    answers = iter([httpx.Response(503, headers={"Retry-After": "42"}), httpx.Response(200, text="ok")])
    http = polite(lambda r: next(answers))
    assert http.get("https://export.arxiv.org/api/query").text == "ok"
    assert clock.calls[1] - clock.calls[0] == pytest.approx(42.0)


def test_retry_after_on_429_as_http_date(clock, polite):
    when = "Wed, 21 Oct 2037 07:28:00 GMT"
    assert retry_after_seconds(when, now=datetime(2037, 10, 21, 7, 27, 0, tzinfo=UTC)) == 60.0
    assert retry_after_seconds("garbage") is None
    assert retry_after_seconds(None) is None


def test_a_long_retry_after_is_a_clear_refusal(polite):
    http = polite(lambda r: httpx.Response(429, headers={"Retry-After": "86400"}))
    with pytest.raises(SourceError, match="come back in 86400 s"):
        http.get("https://export.arxiv.org/api/query")


def test_connection_errors_and_5xx_are_retried_with_backoff(clock, polite):
    answers = iter([httpx.ConnectError("reset"), httpx.Response(502), httpx.Response(200, text="ok")])

    def handler(request):
        a = next(answers)
        if isinstance(a, Exception):
            raise a
        return a

    http = polite(handler)
    assert http.get("https://export.arxiv.org/api/query").text == "ok"
    gaps = [b - a for a, b in zip(clock.calls, clock.calls[1:], strict=False)]
    assert gaps[0] >= 5.0 and gaps[1] >= 10.0  # backoff doubles


def test_gives_up_after_retries(polite):
    def handler(request):
        raise httpx.ReadTimeout("slow")

    with pytest.raises(SourceError, match="giving up after 5 attempts"):
        polite(handler).get("https://export.arxiv.org/api/query")


def test_400_is_returned_for_the_caller_to_read(polite):
    assert polite(lambda r: httpx.Response(400, text="bad")).get("https://x.test/").status_code == 400


def test_settings_refuse_to_be_impolite():
    with pytest.raises(SettingsError, match="at least 3"):
        Settings.from_env({"PAPERFEED_ARXIV_INTERVAL": "0.5"})
    with pytest.raises(SettingsError, match="expected float"):
        Settings.from_env({"PAPERFEED_ARXIV_INTERVAL": "soon"})
    assert Settings.from_env({"PAPERFEED_DATABASE_URL": "sqlite:///x.db"}).database_url == "sqlite:///x.db"


def test_user_agent_names_a_contact():
    assert "mailto:ops@example.org" in Settings(contact_email="ops@example.org").user_agent


def test_a_caller_waiting_its_turn_holds_no_lock_others_need():
    """The limiter sleeps outside its lock: while one caller waits out the interval, others are not blocked."""
    import threading
    import time

    limiter = RateLimiter(1.0)
    limiter.wait()  # the first turn is now
    waiter = threading.Thread(target=limiter.wait)  # the next one is a second away
    waiter.start()
    time.sleep(0.1)
    started = time.monotonic()
    limiter.defer(0.0)  # needs the lock
    took = time.monotonic() - started
    waiter.join()
    assert took < 0.2, took
