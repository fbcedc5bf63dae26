from datetime import datetime

from paperfeed.records import Author
from paperfeed.sources.arxiv_fields import author_from_parts, parse_author_string, parse_rfc2822


def test_commas_and_and():
    names = [a.name for a in parse_author_string("I. Csiszar, F. Hiai and D. Petz")]
    assert names == ["I. Csiszar", "F. Hiai", "D. Petz"]


def test_affiliations_in_parentheses_and_nested_groups():
    authors = parse_author_string("Francois Delarue (PMA), Frederic Lagoutiere (LJLL) and Ann Smith ((1) MIT, (2) CMU)")
    assert authors == [
        Author("Francois Delarue", ("PMA",)),
        Author("Frederic Lagoutiere", ("LJLL",)),
        Author("Ann Smith", ("(1) MIT, (2) CMU",)),
    ]


def test_hard_wraps_oxford_comma_and_tex_accents_kept():
    authors = parse_author_string("Fr\\'ed\\'eric A. Bert,\n  Roldao da Rocha, and Waldyr A. Rodrigues Jr")
    assert [a.name for a in authors] == ["Fr\\'ed\\'eric A. Bert", "Roldao da Rocha", "Waldyr A. Rodrigues Jr"]


def test_names_containing_and_are_not_split():
    assert [a.name for a in parse_author_string("Alexander Andersen, Sandra Band")] == [
        "Alexander Andersen",
        "Sandra Band",
    ]


def test_unbalanced_parenthesis_loses_nothing():
    authors = parse_author_string("A. One (MIT, B. Two")
    assert authors and "A. One" in authors[0].name


def test_empty():
    assert parse_author_string(None) == []
    assert parse_author_string("  ") == []


def test_split_names():
    assert author_from_parts("King", "Martin L.", "Jr").name == "Martin L. King Jr"
    assert author_from_parts("The CMS Collaboration").name == "The CMS Collaboration"
    assert author_from_parts("Hopper", "Grace", "", ["Navy", " "]).affiliations == ("Navy",)


def test_rfc2822_to_naive_utc():
    assert parse_rfc2822("Mon, 22 Dec 2014 13:54:29 GMT") == datetime(2014, 12, 22, 13, 54, 29)
    assert parse_rfc2822("Mon, 22 Dec 2014 13:54:29 +0100") == datetime(2014, 12, 22, 12, 54, 29)
