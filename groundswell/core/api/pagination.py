"""Page-numbered lists for every API collection: `?page=2&page_size=100`."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_PAGE = 1_000_000  # far past any real list, short of offsets the database cannot take


class Pages(PageNumberPagination):
    """`count` of all matching items and one page of `items` (50 by default, at most 200)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, description="At most 200; larger asks get 200.")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)
