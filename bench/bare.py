"""The yardstick of ``bench/throughput.py``: a one-route Flask app, served the same way
(``gunicorn bench.bare:app``), so a page's throughput can be given as a share of what Flask and
gunicorn manage on this machine with nothing to do."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "ok"
