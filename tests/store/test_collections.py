import pytest

from paperfeed.store.collections import (
    add_to_collection,
    collection_paper_ids,
    create_collection,
    delete_collection,
    get_collection,
    user_collections,
)
from paperfeed.store.errors import CommunityError
from tests.store.community import NOW, paper_and_members


def test_a_collection_keeps_papers_once_and_only_its_owner_changes_it(engine):
    paper, ada, alan = paper_and_members(engine)
    with engine.begin() as conn:
        shelf = create_collection(conn, ada, "  Reading   list ", "", False, NOW)
        add_to_collection(conn, shelf, ada, paper, NOW)
        add_to_collection(conn, shelf, ada, paper, NOW)
        assert collection_paper_ids(conn, shelf) == [paper]
        assert get_collection(conn, shelf).name == "Reading list" and get_collection(conn, shelf).size == 1
        assert user_collections(conn, ada, public_only=True) == []
        with pytest.raises(CommunityError, match="no collection with that number"):
            add_to_collection(conn, shelf, alan, paper, NOW)
        delete_collection(conn, shelf, ada)
        assert get_collection(conn, shelf) is None
