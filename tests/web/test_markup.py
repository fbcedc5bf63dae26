from paperfeed.web.markup import render_comment


def test_paragraphs_and_line_breaks():
    assert render_comment("one\ntwo\n\nthree") == "<p>one<br>two</p>\n<p>three</p>"


def test_emphasis_code_and_links():
    html = render_comment("*a* **b** `x<y` [site](https://example.org/a_b) see https://arxiv.org/abs/2401.00001.")
    assert "<em>a</em>" in html and "<strong>b</strong>" in html and "<code>x&lt;y</code>" in html
    assert '<a href="https://example.org/a_b" rel="nofollow ugc noopener">site</a>' in html
    assert 'href="https://arxiv.org/abs/2401.00001"' in html and html.endswith(".</p>")


def test_code_is_not_formatted():
    assert render_comment("`*not em*`") == "<p><code>*not em*</code></p>"
    assert render_comment("```\n<b>x</b>\n*y*\n```") == "<pre><code>&lt;b&gt;x&lt;/b&gt;\n*y*</code></pre>"


def test_snake_case_is_not_emphasis():
    assert "<em>" not in render_comment("use some_long_name here")


def test_nothing_but_our_tags_passes():
    html = render_comment(
        '<script>x</script><a href="javascript:1">y</a> [z](javascript:alert(1)) [q](https://ok.test/"onmouseover="x)'
    )
    assert "<script>" not in html and '<a href="javascript' not in html
    assert 'href="javascript' not in html and 'onmouseover="' not in html
