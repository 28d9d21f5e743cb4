"""Owners: find, register, show, edit, delete."""
