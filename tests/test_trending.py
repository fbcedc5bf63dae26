from datetime import date, datetime

from paperfeed.trending import listed_at, trending_score


def test_age_makes_votes_count_less():
    assert trending_score(10, 0) > trending_score(10, 24) > trending_score(10, 48)
    assert trending_score(0, 1) == 0


def test_a_day_later_needs_about_two_and_a_half_times_the_votes():
    ratio = trending_score(10, 48) / trending_score(10, 24)
    assert 0.38 < ratio < 0.42  # (36/60)^1.8


def test_a_fresh_paper_needs_more_than_one_vote_to_beat_an_established_one():
    assert trending_score(1, 0) < trending_score(20, 12)


def test_listed_at():
    assert listed_at(date(2026, 4, 1), None) == datetime(2026, 4, 1)
    assert listed_at(date(2026, 4, 1), datetime(2026, 4, 1, 15)) == datetime(2026, 4, 1, 15)
