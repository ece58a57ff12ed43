"""Offset pagination shared by every list endpoint.

The window is declared here (so the OpenAPI document and the 422 for an out-of-range
``limit`` or ``offset`` agree) and cut in the database by :mod:`app.services.paging`, whose
bounds these are. Every page links its neighbours (``next``, ``previous``): the address the
client asked for with ``offset`` moved, so its filters stay as they were and a client walks
the whole list by following ``next`` until it is null.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.datastructures import URL

from app.services.paging import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, Slice

T = TypeVar("T")


@dataclass(frozen=True)
class PageParams:
    """The window a list request asked for, and its address (to link the neighbours)."""

    limit: int
    offset: int
    url: URL

    def of(self, found: Slice[T]) -> Page[T]:
        """The page of ``found`` with ``next`` (when rows follow that an ``offset`` within
        its bound can reach) and ``previous`` (when the window does not start at 0)."""
        after = found.offset + len(found.items)
        following = after < found.total and after <= MAX_OFFSET
        return Page(
            items=found.items,
            total=found.total,
            limit=found.limit,
            offset=found.offset,
            next=self._at(after) if following else None,
            previous=self._at(max(0, found.offset - found.limit)) if found.offset else None,
        )

    def _at(self, offset: int) -> str:
        moved = self.url.include_query_params(offset=offset)
        return f"{moved.path}?{moved.query}"


def page_params(
    request: Request,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}")
    ] = DEFAULT_LIMIT,
    offset: Annotated[
        int, Query(ge=0, le=MAX_OFFSET, description="Items to skip from the start")
    ] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset, url=request.url)


PageDep = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items``, the ``total`` of the whole list, the window, and the
    addresses of the neighbouring pages (built by :meth:`PageParams.of`)."""

    items: list[T]
    total: int
    limit: int
    offset: int
    next: str | None = Field(
        description="The next page's address (a path with its query, like Location); null "
        "on the last page",
        examples=["/api/v1/projects/eu-network/organisations?limit=50&offset=50"],
    )
    previous: str | None = Field(
        description="The previous page's address; null on the first page",
        examples=[None],
    )
