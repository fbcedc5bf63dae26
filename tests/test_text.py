from paperfeed.text import author_line, nice_date, plural, summary


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
