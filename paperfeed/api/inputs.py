"""What the API's writes accept: request bodies, validated before a handler runs (malformed input is a 400)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from paperfeed.deps import MAX_ROW_ID
from paperfeed.store.collections import MAX_COLLECTION_NAME, MAX_DESCRIPTION
from paperfeed.store.comments import MAX_COMMENT


class CommentIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_COMMENT)
    parentId: int | None = Field(None, ge=1, le=MAX_ROW_ID)


class SubmitIn(BaseModel):
    arxivId: str = Field(min_length=1, max_length=300)


class CollectionIn(BaseModel):
    name: str = Field(min_length=1, max_length=MAX_COLLECTION_NAME)
    description: str = Field("", max_length=MAX_DESCRIPTION)
    public: bool = True


class ItemIn(BaseModel):
    arxivId: str = Field(min_length=1, max_length=300)
