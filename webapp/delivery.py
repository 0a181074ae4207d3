"""What is sent, and how often (issue 13): compressed responses and versioned static files.

- Compression by Flask-Compress (pinned in pyproject.toml): zstd, brotli, gzip or deflate, as
  the browser accepts, for HTML, CSS, JavaScript, JSON and SVG of 500 bytes or more; behind a
  proxy that compresses itself, set ``COMPRESS_REGISTER=0`` (docs/operating.md).
- Every ``url_for('static', filename=...)`` carries the file's content hash (``?v=``); a request
  with the current hash is answered with a year's ``Cache-Control: public, immutable``, so a
  browser asks for the CSS and JavaScript once per version, not once per page. A request without
  the hash (or with an old one) is revalidated as before.

BREACH (compressed HTML that holds a secret): the only secret in a page is the session's CSRF
token, and the session cookie is ``SameSite=Lax``, so another site cannot make the browser send
the many authenticated requests the attack needs.
"""

import hashlib
import os

from flask import request
from flask_compress import Compress

compress = Compress()

YEAR = 365 * 24 * 3600
MIMETYPES = ["text/html", "text/css", "text/javascript", "application/javascript",
             "application/json", "image/svg+xml", "text/calendar"]

_hashes = {}


def static_version(static_folder, filename):
    """The first 12 hex digits of the SHA-256 of a static file (cached per modification time);
    ``None`` for a file that does not exist."""
    path = os.path.join(static_folder, filename)
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return None
    key = (path, stamp)
    if key not in _hashes:
        with open(path, "rb") as handle:
            _hashes[key] = hashlib.sha256(handle.read()).hexdigest()[:12]
    return _hashes[key]


def init_app(app):
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    app.config.setdefault("COMPRESS_REGISTER", os.environ.get("COMPRESS_REGISTER", "1") != "0")
    compress.init_app(app)

    @app.url_defaults
    def _versioned_static(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = static_version(app.static_folder, values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def _cache_static(response):
        if request.endpoint != "static" or response.status_code != 200:
            return response
        filename = (request.view_args or {}).get("filename", "")
        version = request.args.get("v")
        if version and version == static_version(app.static_folder, filename):
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
        return response
