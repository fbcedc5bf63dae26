import json
import logging

from paperfeed.logs import setup_logging


def test_logs_are_json_lines_when_not_on_a_terminal(capsys):
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        setup_logging()
        logging.getLogger("paperfeed.test").warning("harvested %d papers", 3, extra={"color_message": "\x1b[1m"})
        line = capsys.readouterr().err.strip().splitlines()[-1]
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    record = json.loads(line)
    assert record["message"] == "harvested 3 papers" and record["level"] == "WARNING"
    assert record["name"] == "paperfeed.test" and "color_message" not in record
