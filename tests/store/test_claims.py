import pytest

from paperfeed.store.claims import claim_authorship, decide_claim, is_confirmed_author, pending_claims
from paperfeed.store.errors import CommunityError
from tests.store.community import NOW, paper_and_members


def test_a_claim_names_an_author_and_is_decided_once(engine):
    paper, ada, alan = paper_and_members(engine)
    with engine.begin() as conn:
        with pytest.raises(CommunityError, match="Pick one"):
            claim_authorship(conn, ada, paper, "Grace Hopper", NOW)
        claim_authorship(conn, ada, paper, "Ada Lovelace", NOW)
        with pytest.raises(CommunityError, match="already claimed"):
            claim_authorship(conn, ada, paper, "Ada Lovelace", NOW)
        (claim,) = pending_claims(conn)
        decide_claim(conn, claim.id, True, NOW)
        assert is_confirmed_author(conn, ada, paper) and not is_confirmed_author(conn, alan, paper)
        with pytest.raises(CommunityError, match="already decided"):
            decide_claim(conn, claim.id, False, NOW)
