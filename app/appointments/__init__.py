"""Appointments: booking, the day sheet, status changes, completion."""
