"""`kb`: the command line of the knowledge layer (knowledge/cli/main.py)."""

from knowledge.cli.main import app

__all__ = ["app"]
