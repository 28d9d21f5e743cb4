"""Vaccine types, vaccinations and the pet's vaccination record."""
