"""Whole numbers from the URL, bounded by what the database holds: an id in a path beyond a
signed 64-bit integer names no row (404, from the routing), and ``?page=`` is always a page
that exists."""

from flask import request
from werkzeug.routing import IntegerConverter

ID_MAX = 2**63 - 1  # BIGINT in PostgreSQL, INTEGER in SQLite


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: no larger than ``ID_MAX``, else the route does not match."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", ID_MAX)
        super().__init__(url_map, *args, **kwargs)


def page_number(last, name="page"):
    """The ``?page=`` (or ``?<name>=``) asked for, from 1 to ``last``: missing or not a number
    is the first page, beyond the end the last."""
    raw = request.args.get(name, "")
    page = int(raw) if raw.isascii() and raw.isdigit() else 1
    return min(max(page, 1), max(last, 1))
