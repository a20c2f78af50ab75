"""The Textual terminal UI. Import ``litreview.tui.app`` for ``make_app`` and ``run_tui``.

Nothing in the core imports this package: ``textual`` loads only when the UI starts.
"""
