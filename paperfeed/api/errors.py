"""API errors: JSON {"error": …} with the same text in X-Error-Message, as the Hugging Face client reads them."""

from __future__ import annotations

import orjson
from fastapi.responses import Response

MAX_MESSAGE = 300


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    text = " ".join(message.split())[:MAX_MESSAGE]
    header = text.encode("ascii", "replace").decode()  # header values are latin-1 at most; keep them ASCII
    return Response(orjson.dumps({"error": text}), status_code=status, media_type="application/json",
                    headers={**(headers or {}), "X-Error-Message": header})
