"""Builds arXiv API responses in the real Atom shape, for paging and fault tests."""


def atom_feed(ids: list[str], total: int, start: int) -> bytes:
    """Return a feed page holding one minimal entry per id."""
    entries = "".join(
        f"""<entry><id>http://arxiv.org/abs/{i}v1</id><title>Paper {i}</title>
        <updated>2024-01-0{1 + n % 9}T00:00:00Z</updated><published>2024-01-01T00:00:00Z</published>
        <summary>About {i}: fixture measurements of walrus migration.</summary><author><name>A. Author</name></author>
        <category term="cs.LG"/><arxiv:primary_category term="cs.LG"/></entry>"""
        for n, i in enumerate(ids)
    )
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom"
 xmlns="http://www.w3.org/2005/Atom"><opensearch:totalResults>{total}</opensearch:totalResults>
<opensearch:startIndex>{start}</opensearch:startIndex><opensearch:itemsPerPage>{len(ids)}</opensearch:itemsPerPage>
{entries}</feed>""".encode()
