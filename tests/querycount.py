"""Count the SQL statements a request runs (SPEC §5: a page's queries must not grow with the
size of a plan or the number of plans)."""

import contextlib

from webapp.db import database


@contextlib.contextmanager
def counting():
    """``with counting() as queries: ...`` then ``len(queries)``; the statements are kept."""
    queries = []
    target = database.obj
    original = target.execute_sql

    def execute_sql(sql, params=None, *args, **kwargs):
        queries.append(sql)
        return original(sql, params, *args, **kwargs)

    target.execute_sql = execute_sql
    try:
        yield queries
    finally:
        del target.execute_sql


def queries_for(client, url):
    """The number of statements a GET of ``url`` runs (the page must answer 200)."""
    with counting() as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)
