from paperfeed.links import find_links


def test_code_repositories_in_comments_and_abstract():
    assert find_links("Code: https://github.com/facebookresearch/blt.", None) == (
        "https://github.com/facebookresearch/blt",
        None,
    )
    assert find_links(None, "available at \\url{https://gitlab.com/grp/proj.git}") == (
        "https://gitlab.com/grp/proj",
        None,
    )


def test_a_host_alone_is_not_a_repository():
    assert find_links("see https://github.com/ for more", None) == (None, None)


def test_project_pages():
    assert find_links("Project page: https://example.org/blt", None) == (None, "https://example.org/blt")
    assert find_links(None, "Demos at https://blt-demo.github.io/") == (None, "https://blt-demo.github.io/")
    assert find_links("Published at https://doi.org/10.1/x", None) == (None, None)


def test_urls_lose_trailing_punctuation():
    assert find_links("(code at https://github.com/a/x), and the project page (https://b.example.org/y).", None) == (
        "https://github.com/a/x",
        "https://b.example.org/y",
    )
