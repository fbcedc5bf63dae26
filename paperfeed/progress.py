"""Progress bars for long work: shown on a terminal, silent in CI and pipes."""

from __future__ import annotations

import os
import sys

from tqdm import tqdm


def progress_bar(total: float | None = None, desc: str = "", unit: str = "it", *, unit_scale: bool = False) -> tqdm:
    """Return a tqdm bar that is disabled unless stderr is a terminal outside CI."""
    quiet = bool(os.environ.get("CI")) or not sys.stderr.isatty()
    return tqdm(
        total=total, desc=desc, unit=unit, unit_scale=unit_scale, disable=quiet, dynamic_ncols=True, leave=False
    )
