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
