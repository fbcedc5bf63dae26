"""What admins do: confirm authorship claims, hide papers and comments; see the jobs and the mail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from paperfeed.clock import now
from paperfeed.deps import EngineDep, RowId, settings_of
from paperfeed.mail.preview import preview
from paperfeed.store.claims import decide_claim, pending_claims
from paperfeed.store.comments import set_comment_hidden
from paperfeed.store.errors import CommunityError
from paperfeed.store.jobs import JOB_NAMES, recent_runs
from paperfeed.store.outbox import Kept, kept_messages
from paperfeed.store.papers import set_paper_hidden
from paperfeed.web.deps import AdminDep, CsrfDep, local_path, redirect, render
from paperfeed.web.routes.papers import find_paper

router = APIRouter()


@router.get("/admin")
def admin_page(request: Request, admin: AdminDep, engine: EngineDep) -> Response:
    with engine.connect() as conn:
        claims = pending_claims(conn)
    return render(request, "admin.html", {"claims": claims})


@router.post("/admin/claims/{claim_id}", dependencies=[CsrfDep])
def decide(admin: AdminDep, engine: EngineDep, claim_id: RowId, decision: Annotated[str, Form()] = "") -> Response:
    if decision not in ("confirm", "reject"):
        raise HTTPException(400, "Decide confirm or reject.")
    try:
        with engine.begin() as conn:
            decide_claim(conn, claim_id, decision == "confirm", now())
    except CommunityError as exc:
        raise HTTPException(404, str(exc)) from exc
    return redirect("/admin")


@router.post("/admin/papers/{arxiv_id:path}/hide", dependencies=[CsrfDep])
def hide_paper(admin: AdminDep, engine: EngineDep, arxiv_id: str, hidden: Annotated[str, Form()] = "1") -> Response:
    with engine.begin() as conn:
        paper = find_paper(conn, arxiv_id, include_hidden=True)
        set_paper_hidden(conn, paper.id, hidden == "1")
    return redirect(f"/papers/{paper.arxiv_id}")


@router.post("/admin/comments/{comment_id}/hide", dependencies=[CsrfDep])
def hide_comment(
    admin: AdminDep,
    engine: EngineDep,
    comment_id: RowId,
    hidden: Annotated[str, Form()] = "1",
    paper: Annotated[str, Form()] = "",
) -> Response:
    try:
        with engine.begin() as conn:
            set_comment_hidden(conn, comment_id, hidden == "1")
    except CommunityError as exc:
        raise HTTPException(404, str(exc)) from exc
    return redirect(local_path(f"/papers/{paper}#comment-{comment_id}" if paper else "/admin"))


@router.get("/admin/jobs")
def jobs_page(request: Request, admin: AdminDep, engine: EngineDep) -> Response:
    """The scheduled jobs' recent runs: when, where, how they ended, what they did."""
    with engine.connect() as conn:
        runs = recent_runs(conn)
    return render(request, "admin_jobs.html", {"runs": runs, "jobs": list(JOB_NAMES)})


@router.get("/admin/mail")
def mail_page(request: Request, admin: AdminDep, engine: EngineDep) -> Response:
    """What the site mailed (or would have: without a mail server, messages wait here)."""
    with engine.connect() as conn:
        kept = kept_messages(conn)
    shown = [(k, preview(k.message)) for k in kept]
    return render(request, "admin_mail.html", {"messages": shown, "smtp": bool(settings_of(request).smtp_host)})


@router.get("/admin/mail/{message_id}")
def mail_message(request: Request, admin: AdminDep, engine: EngineDep, message_id: RowId) -> Response:
    kept = _kept(engine, message_id)
    return render(request, "admin_mail_message.html", {"kept": kept, "mail": preview(kept.message)})


@router.get("/admin/mail/{message_id}/html")
def mail_html(admin: AdminDep, engine: EngineDep, message_id: RowId) -> Response:
    """The HTML part as the reader's mail program shows it: its own document, sandboxed, no script, nothing loaded."""
    html = preview(_kept(engine, message_id).message).html
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox allow-popups allow-top-navigation"
    return Response(
        html, media_type="text/html", headers={"Content-Security-Policy": policy, "Cache-Control": "no-store"}
    )


def _kept(engine, message_id: int) -> Kept:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        found = kept_messages(conn, 1, message_id)
    if not found:
        raise HTTPException(404, "There is no such message.")
    return found[0]
