"""Offset pagination shared by every list endpoint.

The window is declared here (so the OpenAPI document and the 422 for an out-of-range
``limit`` or ``offset`` agree) and cut in the database by :mod:`app.services.paging`, whose
bounds these are.
"""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

from app.services.paging import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, Slice

T = TypeVar("T")


class PageParams(BaseModel):
    limit: int
    offset: int


def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}")
    ] = DEFAULT_LIMIT,
    offset: Annotated[
        int, Query(ge=0, le=MAX_OFFSET, description="Items to skip from the start")
    ] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items``, the ``total`` of the whole list, and the window."""

    items: list[T]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, page: Slice[T]) -> Page[T]:
        return cls(items=page.items, total=page.total, limit=page.limit, offset=page.offset)
