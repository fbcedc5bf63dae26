"""The error every community action raises when it is not allowed or not possible."""

from __future__ import annotations


class CommunityError(ValueError):
    """An action that is not allowed or not possible; the message is for the user."""
