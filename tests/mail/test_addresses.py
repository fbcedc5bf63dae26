import pytest

from paperfeed.mail.addresses import AddressError, normalize_address


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Ada@Example.org", "ada@example.org"),
        ("  first.last+papers@mail.example.co.uk ", "first.last+papers@mail.example.co.uk"),
        ("o'brien@example.org", "o'brien@example.org"),
    ],
)
def test_accepts_plain_addresses(raw, expected):
    assert normalize_address(raw) == expected


@pytest.mark.parametrize(
    "raw, why",
    [
        ("", "Enter"),
        ("ada", "looks like"),
        ("ada@", "looks like"),
        ("@example.org", "looks like"),
        ("ada@example", "domain"),
        ("ada@-example.org", "domain"),
        ("ada@example.123", "domain"),
        ("a..b@example.org", "before the @"),
        (".ada@example.org", "before the @"),
        ('"ada lovelace"@example.org', "before the @"),
        ("Ada <ada@example.org>", "before the @"),
        ("ada@example.org, eve@example.org", "before the @"),
        ("ada@example.org\r\nBcc: eve@example.org", "line breaks"),
        ("ada@example.org\nSubject: hi", "line breaks"),
        ("ada\x00@example.org", "line breaks"),
        ("adä@example.org", "ASCII"),
        ("a" * 65 + "@example.org", "before the @"),
        ("a@" + "b" * 250 + ".org", "at most"),
    ],
)
def test_refuses_what_could_confuse_a_header(raw, why):
    with pytest.raises(AddressError, match=why):
        normalize_address(raw)
