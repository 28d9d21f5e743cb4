"""The home page."""

from app.main.routes import bp

__all__ = ["bp"]
