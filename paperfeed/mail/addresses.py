"""Which email addresses paperfeed accepts: plain ASCII addr-specs, nothing that could smuggle a header."""

from __future__ import annotations

import re

MAX_ADDRESS = 254  # RFC 5321: the longest path a server must accept
MAX_LOCAL = 64
_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


class AddressError(ValueError):
    """An address that cannot be used; the message says why, for the person who typed it."""


def normalize_address(raw: str) -> str:
    """Return the address lower-cased, or raise AddressError.

    Quoted local parts, comments, display names and IP-literal domains are
    refused: nobody needs them for a digest, and each is a way to confuse a
    mail header. Control characters (a newline above all) are refused first.
    """
    if any(ord(c) < 32 or ord(c) == 127 for c in raw):
        raise AddressError("An email address cannot contain line breaks or control characters.")
    address = raw.strip()
    if not address:
        raise AddressError("Enter an email address.")
    if len(address) > MAX_ADDRESS:
        raise AddressError(f"An email address has at most {MAX_ADDRESS} characters.")
    if not address.isascii():
        raise AddressError("Only plain ASCII email addresses are accepted.")
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise AddressError("An email address looks like name@example.org.")
    if len(local) > MAX_LOCAL or not _LOCAL.match(local):
        raise AddressError(
            "The part before the @ has letters, digits, dots and a few symbols (no spaces, quotes or commas)."
        )
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        raise AddressError("The part after the @ must be a domain such as example.org.")
    return address.lower()
