from datetime import datetime

from paperfeed.store.trending import trending_list
from paperfeed.store.votes import toggle_vote
from tests.store.community import NOW, paper_and_members


def test_nothing_with_votes_means_nothing_trends_or_stands_in(engine):
    paper_and_members(engine)
    with engine.connect() as conn:
        shown = trending_list(conn, NOW, 10)
    assert shown.ranked == [] and shown.standing_in == []


def test_a_voted_paper_is_shown_long_after_its_votes(engine):
    paper, ada, _ = paper_and_members(engine)
    with engine.begin() as conn:
        toggle_vote(conn, ada, paper, NOW)
    with engine.connect() as conn:
        later = trending_list(conn, datetime(2027, 1, 1), 10)
    assert [p.id for p in later.papers] == [paper] and later.papers[0].upvotes == 1
