"""Settings: the generated signing key is one key, whatever starts at once."""

from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path

from paperfeed.settings import Settings, signing_secret


def _key(args: tuple[str, multiprocessing.synchronize.Barrier]) -> str:
    folder, barrier = args
    barrier.wait()
    return signing_secret(Settings(data_dir=folder))


def test_processes_starting_together_share_one_secret_key(tmp_path):
    for attempt in range(5):
        folder = str(tmp_path / f"data{attempt}")
        context = multiprocessing.get_context("fork")
        barrier = context.Manager().Barrier(4)
        with context.Pool(4) as pool:
            keys = pool.map(_key, [(folder, barrier)] * 4)
        assert len(set(keys)) == 1 and len(keys[0]) >= 48, keys
        key_file = Path(folder) / "secret_key"
        assert key_file.read_text() == keys[0] and list(Path(folder).iterdir()) == [key_file]
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_a_key_from_the_environment_wins(tmp_path):
    assert signing_secret(Settings(data_dir=str(tmp_path), secret_key="k" * 40)) == "k" * 40
    assert not (tmp_path / "secret_key").exists()
