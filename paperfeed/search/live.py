"""The model and vectors a web worker searches with: loaded on first use, reloaded when the store has more."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperfeed.search.embedder import MiniLM, ModelMissing, default_model
from paperfeed.search.vectors import VectorIndex, load_index
from paperfeed.store.schema import embeddings

CHECK_EVERY = 30.0  # seconds between looks at whether `paperfeed index` has added vectors


class LiveVectors:
    def __init__(
        self,
        engine: Engine,
        data_dir: str,
        load_model: Callable[[], MiniLM] = default_model,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.data_dir = data_dir
        self.load_model = load_model
        self.clock = clock
        self.lock = threading.Lock()
        self.model: MiniLM | None = None
        self.index: VectorIndex | None = None
        self.state: tuple[object, ...] = ()
        self.checked = float("-inf")
        self.unavailable = False

    def get(self) -> tuple[MiniLM | None, VectorIndex | None]:
        """Return (model, index), or (None, None) when semantic search is not possible here."""
        if self.unavailable:
            return None, None
        with self.lock:
            if self.clock() - self.checked >= CHECK_EVERY:
                self.checked = self.clock()
                with self.engine.connect() as conn:
                    # A paper embedded again (the full pass after the quick one) changes the newest time only.
                    state = tuple(
                        conn.execute(
                            sa.select(sa.func.count(), sa.func.max(embeddings.c.embedded_at)).select_from(embeddings)
                        ).one()
                    )
                    if state != self.state:
                        self.index = load_index(conn, self.data_dir)
                        self.state = state
            if self.index is not None and self.model is None:
                try:
                    self.model = self.load_model()
                except ModelMissing:
                    self.unavailable = True
                    return None, None
            return self.model, self.index
