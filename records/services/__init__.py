"""Writes of HR review: exports and API tokens."""
