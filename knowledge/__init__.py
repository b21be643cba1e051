"""The knowledge service of Trợ lý dịch vụ công, one folder per job, lower layers first:

- `platform/`: the admin database, its tables and migrations, accounts, audit, staff texts;
- `documents/`: the document model and its one rule set (Markdown, procedure sections);
- `retrieval/`: chunks, embeddings, the index and the hybrid search the bot answers from;
- `content/`: what staff do to documents — edit with history, validate, import/export, publish;
- `records/`: what citizens leave — feedback, handoff requests, unanswered questions, turn
  statuses — and the dashboard's figures and retention built on them;
- `desk/`: the live handoff desk — requests, office hours, the chat server's staff bridge;
- `startup.py`: the process's wiring; `api/`: HTTP only; `cli/`: the `kb` command;
  `evaluation/`: the figures `make eval` prints.

A module imports only its own layer and those listed before it (checked by
tests/unit/test_import_structure.py).
"""
