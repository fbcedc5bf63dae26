from datetime import timedelta

from paperfeed.store.submissions import (
    CLAIM_EXPIRES,
    MAX_ATTEMPTS,
    claim_next,
    get_submission,
    queue_submission,
    release_submission,
)
from tests.store.community import NOW, paper_and_members


def test_two_workers_never_take_the_same_request_and_a_dead_ones_claim_expires(engine):
    _, ada, alan = paper_and_members(engine)
    with engine.begin() as conn:
        first = queue_submission(conn, "2501.00001", ada, NOW)
        second = queue_submission(conn, "2501.00002", alan, NOW)
    with engine.begin() as conn:
        a = claim_next(conn, NOW)
    with engine.begin() as conn:
        b = claim_next(conn, NOW)
    with engine.begin() as conn:
        assert claim_next(conn, NOW) is None  # both are held
    assert (a.id, b.id) == (first.id, second.id) and a.state == b.state == "fetching"
    later = NOW + CLAIM_EXPIRES + timedelta(seconds=1)
    with engine.begin() as conn:
        again = claim_next(conn, later)  # the worker holding the first died: it is taken again
    assert again is not None and again.id == first.id and again.attempts == 2


def test_a_failing_upstream_puts_a_request_back_until_it_has_tried_enough(engine):
    _, ada, _ = paper_and_members(engine)
    with engine.begin() as conn:
        queued = queue_submission(conn, "2501.00003", ada, NOW)
    states = []
    for n in range(MAX_ATTEMPTS):
        moment = NOW + timedelta(minutes=n)
        with engine.begin() as conn:
            taken = claim_next(conn, moment, before=moment)
            assert taken is not None and claim_next(conn, moment, before=moment) is None
            states.append(release_submission(conn, taken, moment, "arXiv could not be reached"))
    assert states == ["queued"] * (MAX_ATTEMPTS - 1) + ["failed"]
    with engine.connect() as conn:
        assert get_submission(conn, queued.id).reason == "arXiv could not be reached"
