"""Wagtail snippets of this area."""
