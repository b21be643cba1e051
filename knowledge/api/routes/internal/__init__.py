"""Endpoints only the two bot processes call (the chat server and the action server), each with
the records token: feedback, handoff requests, the live handoff's messages, unanswered questions,
turn statuses."""
