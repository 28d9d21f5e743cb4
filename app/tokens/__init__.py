"""Personal API tokens: the staff pages, `flask users token ...`, and the Bearer check."""
