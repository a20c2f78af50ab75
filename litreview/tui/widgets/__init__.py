"""Widgets of the litreview TUI, one per module."""
