from paperfeed.store.papers import get_paper
from paperfeed.store.votes import latest_vote_at, toggle_vote, voted_papers
from tests.store.community import NOW, paper_and_members


def test_a_vote_toggles_and_the_counter_stays_exact(engine):
    paper, ada, alan = paper_and_members(engine)
    with engine.begin() as conn:
        assert toggle_vote(conn, ada, paper, NOW) == (True, 1)
        assert toggle_vote(conn, alan, paper, NOW) == (True, 2)
        assert toggle_vote(conn, ada, paper, NOW) == (False, 1)
        assert voted_papers(conn, alan, [paper]) == {paper} and voted_papers(conn, ada, [paper]) == set()
        assert get_paper(conn, "2503.13423").upvotes == 1
        assert latest_vote_at(conn, [paper]) == NOW and latest_vote_at(conn, []) is None


def test_setting_a_vote_is_idempotent_and_exact_under_concurrency(engine):
    from concurrent.futures import ThreadPoolExecutor

    from paperfeed.store.votes import set_vote

    paper, ada, _ = paper_and_members(engine)

    def vote(want: bool) -> tuple[bool, int]:
        with engine.begin() as conn:
            return set_vote(conn, ada, paper, want, NOW)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(vote, [True] * 16))
    assert all(r == (True, 1) for r in results[-1:]) and {r[1] for r in results} <= {1}
    with engine.connect() as conn:
        assert get_paper(conn, "2503.13423").upvotes == 1 and voted_papers(conn, ada, [paper]) == {paper}
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(vote, [False] * 16))
    with engine.connect() as conn:
        assert get_paper(conn, "2503.13423").upvotes == 0
