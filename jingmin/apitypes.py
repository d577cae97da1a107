"""Shared API parameter types and paging: bounds checked by the schema, so bad values answer 422 with
the field. Every list operation pages through these (no hand-written ``max(1, min(limit, N))``)."""

from typing import Annotated

from pydantic import Field


def limit(maximum=1000):
    """A page-size parameter type bounded 1..maximum: a value outside answers 422."""
    return Annotated[int, Field(ge=1, le=maximum, description=f"page size (1–{maximum})")]


Limit = limit(1000)
Offset = Annotated[int, Field(ge=0, le=10_000_000, description="rows to skip")]


def page(queryset, limit, offset=0):
    """The rows of one page (limit and offset already checked by their schema types)."""
    return queryset[offset : offset + limit]
