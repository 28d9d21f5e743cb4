"""The whole-collection lists (GET /api/owners, /pets, /visits) in constant memory.

The contract answers them with one JSON array. Built in memory, that array grows with the
clinic (20,000 owners: 29 s and 235 MB in one worker). Here the rows come from the
database API_STREAM_CHUNK at a time (``yield_per``: a server-side cursor on PostgreSQL),
related collections are loaded per chunk with IN queries (selectinload honours
``yield_per``), each chunk is dumped with the operation's own schema, sent, and forgotten.

The first chunk is read and dumped before the answer starts, so a failing query is still a
problem response; a failure after that can only cut the body short (the client sees
invalid JSON, never a wrong list).

Flask tears the request down (and removes ``db.session``) when the view returns, before
the body is sent, even with stream_with_context. So the rows are read through a session
of their own, on the request session's bind, closed when the last chunk is sent or the
response is closed (a client that went away); each chunk is dumped inside a short app
context of its own, for what the schema's fields read from the configuration.
"""


import functools

from flask import Response, current_app

from app.extensions import db


def chunk_size():
    """How many rows a chunk holds (API_STREAM_CHUNK)."""
    return current_app.config["API_STREAM_CHUNK"]


def streamed_array(query, schema, rows=False):
    """A 200 response writing what ``query`` selects as a JSON array of ``schema``.

    ``rows``: the query selects columns (Core rows), not entities.
    """
    app = current_app._get_current_object()
    dumps = functools.partial(app.json.dumps, separators=(",", ":"))  # compact, as jsonify
    bind = db.session().get_bind()
    db.session.commit()  # end the request's read (authentication): nothing else is read in it
    # Read only: when the bind is a connection already in a transaction (the tests' outer
    # one), this session reads in it and leaves it alone, whenever it is closed.
    session = db.session.session_factory(bind=bind, join_transaction_mode="rollback_only")

    def dumped(chunk):
        return ",".join(dumps(item) for item in schema.dump(chunk, many=True))

    try:
        query = query.execution_options(yield_per=chunk_size())
        result = session.execute(query) if rows else session.scalars(query)
        chunks = result.partitions()
        first = dumped(next(chunks, []))
    except BaseException:
        session.close()
        raise

    def body():
        try:
            yield "[" + first
            separator = "," if first else ""
            while True:
                with app.app_context():
                    chunk = next(chunks, None)
                    if not chunk:
                        break
                    text = dumped(chunk)
                del chunk
                yield separator + text
            yield "]"
        finally:
            session.close()

    response = Response(body(), mimetype="application/json")
    response.call_on_close(session.close)
    return response


