"""Visits recorded directly: walk-ins and history."""
