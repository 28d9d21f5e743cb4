"""Staff accounts: sign-in, roles, and the users CLI."""
