"""The only layer that knows SQL and table names."""
