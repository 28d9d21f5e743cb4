"""The signed-in staff member's own account: the language of their pages."""
