"""Reports: PRISMA 2020 counts and flow diagram, study tables, and exports.

Everything is computed from the review's event log, so it is always current:

- ``counts``: the PRISMA numbers (``get_prisma_counts``), checked to add up;
- ``flow_svg`` / ``prisma_csv``: the flow diagram as SVG, and the PRISMA2020 R
  package's template CSV;
- ``tables`` / ``log_tables``: the study table, the codebook matrix, grades, source
  yield and overlap, full-text exclusions and the search log (``build_table``);
- ``formats``: csv, md, latex, html, docx and xlsx writers;
- ``export``: RIS, CSV (``label_included``) and BibTeX exports.
"""
