"""The audit trail for administrators: the /audit page, and the trail in words."""
