"""Rasa-side Python code (custom NLU components, channels). Runs in the Python 3.10 environment."""
