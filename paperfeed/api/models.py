"""The API's response shapes, for the OpenAPI document (responses are built as dicts in api/shapes.py).

Schemathesis checks every response against these, so they must say exactly
what is sent: a field that may be null is Optional here. Field names are
the Hugging Face API's (camelCase).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

Stamp = Field(
    pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", description="UTC, e.g. 2026-04-06T00:00:00.000Z"
)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserOut(Model):
    user: str = Field(description="The username.")
    fullname: str
    avatarUrl: str
    isPro: bool
    type: str


class OrganizationOut(Model):
    name: str
    fullname: str
    avatar: str


class AuthorOut(Model):
    name: str
    hidden: bool


class PaperOut(Model):
    id: str = Field(description="The arXiv id, without version.")
    authors: list[AuthorOut]
    publishedAt: str = Stamp
    title: str
    summary: str
    upvotes: int
    discussionId: str
    ai_keywords: list[str] = Field(description="Keywords extracted from the title and abstract.")
    githubRepo: str | None
    projectPage: str | None
    organization: OrganizationOut | None
    submittedOnDailyAt: str = Stamp
    submittedOnDailyBy: UserOut | None
    categories: list[str]
    arxivUrl: str
    pdfUrl: str


class DailyItem(Model):
    paper: PaperOut
    title: str
    summary: str
    publishedAt: str = Stamp
    thumbnail: str | None
    numComments: int
    submittedBy: UserOut | None
    isAuthorParticipating: bool
    upvotes: int
    ai_keywords: list[str]
    organization: OrganizationOut | None
    githubRepo: str | None
    projectPage: str | None


class Highlight(Model):
    type: str = Field(pattern="^(text|highlight)$")
    text: str


class SearchItem(DailyItem):
    highlightedTitle: list[Highlight]
    highlightedSummary: list[Highlight]


class PaperInfo(PaperOut):
    numComments: int
    linkedModels: list[dict]
    numTotalModels: int
    linkedDatasets: list[dict]
    numTotalDatasets: int
    linkedSpaces: list[dict]
    numTotalSpaces: int


class VersionOut(BaseModel):
    version: int
    created: str | None = None


class FullPaper(PaperOut):
    updatedAt: str | None
    versions: list[VersionOut] | None
    comments: str | None
    journalRef: str | None
    doi: str | None
    license: str | None
    listedOn: str
    numComments: int
    affiliations: list[list[str]] | None
    primaryCategory: str | None


class PaperPage(Model):
    papers: list[FullPaper]
    nextCursor: str | None = Field(description="Pass it back as `cursor` for the next page; null at the end.")


class CommentOut(Model):
    id: int
    parentId: int | None
    author: UserOut
    text: str
    deleted: bool
    createdAt: str = Stamp
    editedAt: str | None
    isAuthor: bool


class VoteOut(Model):
    id: str
    upvoted: bool
    upvotes: int


class SubmissionOut(Model):
    submission: int = Field(description="Poll GET /api/submissions/{submission} for its state.")
    id: str = Field(description="The paper's arXiv id.")
    state: str = Field(description="queued, fetching, listed or failed.")
    reason: str | None = Field(None, description="Why it failed, or why it waits.")
    paper: PaperInfo | None = Field(None, description="The paper, once listed.")


class CollectionOut(Model):
    id: int
    name: str
    description: str
    public: bool
    papers: list[str]


class ErrorOut(Model):
    error: str
