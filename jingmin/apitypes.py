"""Shared API parameter types: bounds checked by the schema, so bad values answer 422 with the field."""

from typing import Annotated

from pydantic import Field

Limit = Annotated[int, Field(ge=1, le=1000, description="page size (1–1000)")]
Offset = Annotated[int, Field(ge=0, le=10_000_000, description="rows to skip")]
