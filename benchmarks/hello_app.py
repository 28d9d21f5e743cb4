"""A bare Flask app: the ceiling that benchmarks/run.py measures each page against."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """The least a Flask view can do."""
    return "Hello, World!"
