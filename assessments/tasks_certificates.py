"""Filled in by its feature (see the module name)."""
