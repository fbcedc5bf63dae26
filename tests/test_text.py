import pytest

from paperfeed.text import author_line, nice_date, plural, readable, summary


def test_author_line():
    assert author_line(["A", "B"]) == "A, B"
    assert author_line([f"N{i}" for i in range(10)]) == "N0, N1, N2, N3 and 6 more"


def test_summary_cuts_at_a_word_and_never_inside_a_formula():
    text = "word " * 100
    cut = summary(text, 50)
    assert cut.endswith("…") and len(cut) <= 51 and "wor…" not in cut
    tex = "We prove $a^2 + b^2 = c^2$ for all " + "x " * 10 + "and $\\alpha_{i} + \\beta$ too " + "y " * 200
    cut = summary(tex, 80)
    assert cut.count("$") % 2 == 0
    assert summary("short  text\n here") == "short text here"


def test_small_words():
    from datetime import date

    assert nice_date(date(2026, 4, 6)) == "Apr 6, 2026"
    assert plural(1, "paper") == "1 paper" and plural(2, "reply", "replies") == "2 replies"


@pytest.mark.parametrize(
    ("given", "page", "text"),
    [
        (r"tokens\textemdash discrete units", "tokens—discrete units", None),
        (r"a 1.68\% reduction; 40% of Q&A", "a 1.68% reduction; 40% of Q&A", None),
        ("Combining Byte-~and Word-Level", "Combining Byte- and Word-Level", None),
        (r"Scan and Snap: \emph{scan} and ``snap''", "Scan and Snap: scan and “snap”", None),
        (r"modules (\eg, DINOv2) as in \cite{x}", "modules (e.g., DINOv2) as in", None),
        (r"kitap vs. kitab{\i} --- M\"uller", "kitap vs. kitabı — Müller", None),
        (r"cost $O(n^2)$ with $\alpha$", r"cost $O(n^2)$ with $\alpha$", "cost O(n^2) with α"),
        (r"costs \$5 and \textbf{more", r"costs \$5 and more", "costs $5 and more"),
        (r"code at https://github.com/a_b/c~d and \url{http://x.org/z%20}", None, None),
        ("plain   text\n wrapped", "plain text wrapped", None),
        ("unbalanced { brace \\", None, None),
    ],
)
def test_tex_becomes_text(given, page, text):
    if page is not None:
        assert readable(given) == page
    if text is not None:
        assert readable(given, "text") == text
    assert "\\textemdash" not in readable(given, "text")


def test_urls_are_kept_as_written():
    out = readable(r"code at https://github.com/a_b/c~d and \url{http://x.org/z%20}")
    assert out == "code at https://github.com/a_b/c~d and http://x.org/z%20"


def test_highlight_markers_survive():
    assert readable("a \x02tok\x03 \\emph{\x02fast\x03}") == "a \x02tok\x03 \x02fast\x03"


def test_a_card_summary_is_text():
    assert summary(r"We cut 40\% of tokens\textemdash fast.", 100) == "We cut 40% of tokens—fast."


def test_date_spans():
    from datetime import date

    from paperfeed.text import date_span

    assert date_span(date(2026, 4, 6), date(2026, 4, 12)) == "Apr 6–12, 2026"
    assert date_span(date(2026, 3, 30), date(2026, 4, 5)) == "Mar 30 – Apr 5, 2026"
    assert date_span(date(2025, 12, 29), date(2026, 1, 4)) == "Dec 29, 2025 – Jan 4, 2026"


def test_repository_names_and_initials():
    from paperfeed.text import initials, repo_name

    assert repo_name("https://github.com/owner/repo.git/tree/main?x=1") == "owner/repo"
    assert repo_name("https://huggingface.co/org/model") == "org/model"
    assert repo_name("https://example.org/code") == "example.org" and repo_name(None) == ""
    assert initials("Allen Institute for AI") == "AI" and initials("ByteDance") == "B" and initials("") == "?"
