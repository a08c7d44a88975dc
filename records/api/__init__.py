"""The records API (/api/v1/): read-only, scoped like the token owner's pages."""
