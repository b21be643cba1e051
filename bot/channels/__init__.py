"""Rasa's chat channels as this bot uses them. Loading them (only `rasa run` does) also
installs two speed-ups of the serving process: the faster check of action server responses
(bot/action_validation.py) and the SQLite tracker store's journal mode (bot/tracker_sqlite.py)."""

from bot import action_validation, tracker_sqlite

action_validation.install()
tracker_sqlite.install()
