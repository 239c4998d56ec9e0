"""digitnet's version, written here only (pyproject.toml reads it, the package shows it)."""

__version__ = "0.1.0"
