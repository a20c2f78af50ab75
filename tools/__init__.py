"""Maintainer scripts (not shipped with the package)."""
