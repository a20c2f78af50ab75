"""Coding included studies against the protocol's codebook (``codes``) and suggesting codes
(``suggest``)."""
