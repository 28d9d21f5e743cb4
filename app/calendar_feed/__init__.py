"""Each vet's private iCalendar feed of their appointments (a secret, revocable URL)."""
