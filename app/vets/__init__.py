"""Vets and their specialties."""
