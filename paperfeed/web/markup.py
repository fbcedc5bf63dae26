"""Comments: plain text with a little markdown (links, code, emphasis), rendered so that no HTML passes.

Safe by construction: the text is split into code and prose, every piece is
HTML-escaped first, and only the tags made here are added. Links must be
http(s) and open with rel="nofollow ugc noopener".
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup

_FENCE_RE = re.compile(r"```[^\n]*\n(.*?)(?:\n```|\Z)", re.DOTALL)
_CODE_RE = re.compile(r"`([^`\n]+)`")
_LINK_RE = re.compile(r"\[([^\]\n]{1,200})\]\((https?://[^\s()<>]{1,500})\)")
_URL_RE = re.compile(r"(?<![\"'=>])\bhttps?://[^\s<>\"']{1,500}")
_STRONG_RE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM_RE = re.compile(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])")


def _anchor(url: str, text: str) -> str:
    # url and text arrive escaped.
    return f'<a href="{url}" rel="nofollow ugc noopener">{text}</a>'


def _inline(text: str) -> str:
    """Render one line of prose (no code inside), escaping everything first."""
    out = []
    pos = 0
    for m in _LINK_RE.finditer(text):
        out.append(_autolink(text[pos : m.start()]))
        out.append(_anchor(html.escape(m.group(2)), _emphasis(html.escape(m.group(1)))))
        pos = m.end()
    out.append(_autolink(text[pos:]))
    return "".join(out)


def _autolink(text: str) -> str:
    out = []
    pos = 0
    for m in _URL_RE.finditer(text):
        url = m.group(0).rstrip(".,;:!?)")
        out.append(_emphasis(html.escape(text[pos : m.start()])))
        out.append(_anchor(html.escape(url), html.escape(url)))
        pos = m.start() + len(url)
    out.append(_emphasis(html.escape(text[pos:])))
    return "".join(out)


def _emphasis(escaped: str) -> str:
    escaped = _STRONG_RE.sub(r"<strong>\1</strong>", escaped)
    return _EM_RE.sub(r"<em>\1</em>", escaped)


def _prose(text: str) -> str:
    pieces = []
    pos = 0
    for m in _CODE_RE.finditer(text):
        pieces.append(_inline(text[pos : m.start()]))
        pieces.append(f"<code>{html.escape(m.group(1))}</code>")
        pos = m.end()
    pieces.append(_inline(text[pos:]))
    return "".join(pieces)


def render_comment(text: str) -> Markup:
    """Return the HTML of a comment: paragraphs, line breaks, links, code and emphasis only."""
    blocks = []
    pos = 0
    for m in _FENCE_RE.finditer(text):
        blocks.extend(_paragraphs(text[pos : m.start()]))
        blocks.append(f"<pre><code>{html.escape(m.group(1))}</code></pre>")
        pos = m.end()
    blocks.extend(_paragraphs(text[pos:]))
    return Markup("\n".join(blocks))


def _paragraphs(text: str) -> list[str]:
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text) if p.strip()]
    return ["<p>" + "<br>".join(_prose(line) for line in p.split("\n")) + "</p>" for p in paragraphs]


def link_urls(text: str) -> Markup:
    """Escape plain text (a mail's text part) and make its http(s) addresses links, nothing else."""
    out, pos = [], 0
    for m in _URL_RE.finditer(text):
        url = m.group(0).rstrip(".,;:!?)")
        out.append(html.escape(text[pos : m.start()]))
        out.append(f'<a href="{html.escape(url)}" rel="noopener">{html.escape(url)}</a>')
        pos = m.start() + len(url)
    out.append(html.escape(text[pos:]))
    return Markup("".join(out))
