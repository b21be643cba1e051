"""Unit tests of the bot side (channels, guard, policies, broker), run in Rasa's environment
by `make test-bot` without a trained model or a running service."""
