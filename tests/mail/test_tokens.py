import pytest

from paperfeed.mail import tokens
from paperfeed.mail.tokens import TokenError, make_token, read_token

SECRET = "s" * 40


def test_a_token_names_its_subscription_and_address():
    token = make_token(SECRET, "unsubscribe", 7, "ada@example.org")
    assert read_token(SECRET, "unsubscribe", token) == (7, "ada@example.org")


def test_a_token_works_only_for_its_purpose():
    token = make_token(SECRET, "unsubscribe", 7, "ada@example.org")
    with pytest.raises(TokenError, match="not valid"):
        read_token(SECRET, "confirm", token)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # a changed signature
        lambda t: t.replace(t.split(".")[0], "WzgsImV2ZUBleGFtcGxlLm9yZyJd"),  # another subscription, old signature
        lambda t: t[: len(t) // 2],  # cut short
        lambda t: "",
        lambda t: "x" * 1000,
    ],
)
def test_forged_or_damaged_tokens_are_refused(mangle):
    token = make_token(SECRET, "confirm", 7, "ada@example.org")
    with pytest.raises(TokenError):
        read_token(SECRET, "confirm", mangle(token))


def test_another_secret_does_not_verify():
    with pytest.raises(TokenError):
        read_token("t" * 40, "confirm", make_token(SECRET, "confirm", 7, "ada@example.org"))


def test_tokens_expire(monkeypatch):
    token = make_token(SECRET, "confirm", 7, "ada@example.org")
    monkeypatch.setitem(tokens.LIFETIMES, "confirm", -1)
    with pytest.raises(TokenError, match="expired"):
        read_token(SECRET, "confirm", token)
