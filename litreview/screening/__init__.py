"""Screening: ranking records by predicted relevance, stopping rules, simulation.

Heavy dependencies (scikit-learn, scipy) load only when a function needs them.
"""
