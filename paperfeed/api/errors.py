"""API errors: JSON {"error": …} with the same text in X-Error-Message, as the Hugging Face client reads them;
and how they are described in the OpenAPI document."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import Response

from paperfeed.api import models

MAX_MESSAGE = 300

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": models.ErrorOut, "description": "Malformed input, with the reason"},
    404: {"model": models.ErrorOut, "description": "No such paper"},
    429: {"model": models.ErrorOut, "description": "Too many requests; see Retry-After"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    401: {"model": models.ErrorOut, "description": "No valid personal token"},
}
READ_TAGS: list[str | Any] = ["papers"]
WRITE_TAGS: list[str | Any] = ["writing (personal token)"]


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    text = " ".join(message.split())[:MAX_MESSAGE]
    header = text.encode("ascii", "replace").decode()  # header values are latin-1 at most; keep them ASCII
    return Response(
        orjson.dumps({"error": text}),
        status_code=status,
        media_type="application/json",
        headers={**(headers or {}), "X-Error-Message": header},
    )
