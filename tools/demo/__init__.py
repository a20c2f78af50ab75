"""Builds the demo review's search exports and second examples from shared data (not shipped)."""
