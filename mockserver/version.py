"""The release: one place the package, the CLI and the admin API read it from."""

__version__ = "0.1.0"
