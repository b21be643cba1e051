"""The live handoff desk: conversations handed over to a person, the office hours and holidays
that decide when one can answer, and the client of the chat server's staff bridge."""
