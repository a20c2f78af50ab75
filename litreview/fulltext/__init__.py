"""The full-text stage: reports sought, retrieved and grouped into studies (``reports``), the PDF
files attached to works (``files``) and finding open-access copies (``find``)."""
