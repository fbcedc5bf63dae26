from paperfeed.passwords import check_password


def test_weak_passwords_are_refused_with_the_reason():
    assert "at least" in check_password("short")
    assert "repeated" in check_password("a" * 12)
    assert "username" in check_password("Ada-Lovelace-2026", "ada-lovelace")
    assert check_password("correct horse battery staple", "ada") is None
