"""The review's read model: one typed snapshot of the event log that reports, status and the TUI
read."""
