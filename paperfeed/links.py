"""Code and project links found in a paper's comments and abstract."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Hosts whose /owner/repo URLs are code repositories.
CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "git.sr.ht", "huggingface.co/spaces")
_URL_RE = re.compile(r"""https?://[^\s<>"'{}\\|^`\[\]]+""", re.IGNORECASE)
_PROJECT_CUE_RE = re.compile(r"(project|home)\s*page|website|demo|available at", re.IGNORECASE)
MAX_URL = 500


def _clean(url: str) -> str:
    url = url.rstrip(".,;:!?)'\"")
    if url.count("(") < url.count(")"):
        url = url.rstrip(")")
    return url


def _is_code(url: str) -> bool:
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    path = [p for p in parts.path.split("/") if p]
    for code_host in CODE_HOSTS:
        h, _, prefix = code_host.partition("/")
        if host == h and len(path) >= 2 + bool(prefix) and (not prefix or path[0] == prefix):
            return True
    return False


def find_links(comments: str | None, abstract: str | None) -> tuple[str | None, str | None]:
    """Return (code repository URL, project page URL) named in the comments or abstract, if any."""
    code = project = None
    for text in (comments, abstract):
        if not text or "http" not in text:
            continue
        for match in _URL_RE.finditer(text):
            url = _clean(match.group(0))
            if not 10 < len(url) <= MAX_URL:
                continue
            if code is None and _is_code(url):
                code = url.removesuffix(".git")
                continue
            host = urlsplit(url).netloc.lower()
            before = text[max(0, match.start() - 60) : match.start()]
            if project is None and (host.endswith(".github.io") or _PROJECT_CUE_RE.search(before)):
                project = url
    return code, project
