from datetime import date

import pytest

from paperfeed.search.query import MAX_QUERY, parse_query


def test_words_phrases_and_filters():
    q = parse_query(
        'byte-level "language models" author:"Jun-Sik Yoo" category:cs.CL after:2026-01-01 before:2026-04-30'
    )
    assert q.words == ["byte-level"]
    assert q.phrases == [["language", "models"]]
    assert q.authors == ["Jun-Sik Yoo"] and q.categories == ["cs.CL"]
    assert (q.after, q.before) == (date(2026, 1, 1), date(2026, 4, 30))


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '""',
        "*",
        "NEAR(a b)",
        "AND(",
        "((((",
        ")",
        "a OR",
        "NOT",
        "^title",
        "title:foo",
        "{title}: x",
        "x" * 5000,
        "😀 🧪",
        "",
        "   ",
        "\x00\x07",
        "a:b:c",
        "'; DROP TABLE papers; --",
        "after:notadate",
        "author:",
        'author:"',
    ],
)
def test_any_string_parses(text):
    q = parse_query(text)
    assert all(w and all(ch.isalnum() or ch in ".'’-" for ch in w) for w in q.terms)


def test_long_queries_are_cut_with_a_note():
    q = parse_query("word " * 2000)
    assert any(str(MAX_QUERY) in n for n in q.notes)
    assert len(q.terms) <= 24


def test_a_bad_date_is_a_note_not_an_error():
    q = parse_query("after:yesterday tokens")
    assert q.after is None and q.words == ["tokens"] and "after" in q.notes[0]
