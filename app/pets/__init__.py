"""Pets, under their owner."""
