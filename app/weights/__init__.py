"""Pet weights: recorded on their own, at check-in or in a visit; the trend and its chart."""
