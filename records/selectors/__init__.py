"""Reads for HR review, always scoped to what the asking user may see."""
