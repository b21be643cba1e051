"""`python -m knowledge.cli …` is the same as `kb …`."""

from knowledge.cli.main import app

app()
