"""Code both Python environments import — Rasa's (3.10) and the knowledge service's (3.11):
the records contract between the bot processes and the knowledge service, the documents the
forms rely on, diacritics-insensitive text folding and personal-data masking.

Standard library only (tests/unit/test_import_structure.py checks it): the Rasa side reaches
it through PYTHONPATH and must not pull the knowledge side's dependencies in.
"""
