import pytest

from paperfeed.store.comments import add_comment, delete_comment, edit_comment, paper_comments, set_comment_hidden
from paperfeed.store.errors import CommunityError
from paperfeed.store.papers import get_paper
from tests.store.community import NOW, paper_and_members


def test_replies_join_one_thread_and_the_count_follows_what_is_visible(engine):
    paper, ada, alan = paper_and_members(engine)
    with engine.begin() as conn:
        first = add_comment(conn, paper, ada, "  Nice.  ", NOW)
        reply = add_comment(conn, paper, alan, "Thanks", NOW, parent_id=first)
        deeper = add_comment(conn, paper, ada, "Again", NOW, parent_id=reply)
        shown = {c.id: c for c in paper_comments(conn, paper)}
        assert shown[first].body == "Nice." and shown[deeper].parent_id == first
        set_comment_hidden(conn, reply, True)
        delete_comment(conn, deeper, ada)
        assert get_paper(conn, "2503.13423").comment_count == 1
        assert [c.id for c in paper_comments(conn, paper)] == [first, deeper]


def test_only_the_owner_changes_a_comment_and_empty_ones_are_refused(engine):
    paper, ada, alan = paper_and_members(engine)
    with engine.begin() as conn:
        comment = add_comment(conn, paper, ada, "Mine", NOW)
        with pytest.raises(CommunityError, match="your own"):
            edit_comment(conn, comment, alan, "Theirs", NOW)
        with pytest.raises(CommunityError, match="empty"):
            add_comment(conn, paper, ada, "   ", NOW)
