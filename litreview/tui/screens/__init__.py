"""Screens of the litreview TUI."""
