"""Working time: when the clinic is open and each vet can be booked (app.models.working_time)."""
