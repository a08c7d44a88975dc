"""Reads for courses: catalog (what a user may see), learner (a worker's own record)."""
