"""The ``gsnlp`` command line: a thin typer app; each command lives in its own module with
``register(app)``."""
