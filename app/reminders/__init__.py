"""Vaccination reminders: the due list, its call list (CSV, CLI), dismissals."""
