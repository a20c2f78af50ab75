"""Quality appraisal of included studies: ratings, grades and overrides (``ratings``)."""
