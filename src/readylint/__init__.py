"""readylint: a production-readiness linter for Node.js backends."""

__version__ = "0.1.0"
