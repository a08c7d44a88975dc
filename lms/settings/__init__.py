"""Settings: base.py is the real configuration, read from the environment; test.py for pytest."""
