"""Staff administration of the knowledge base: documents with history in a database,
accounts and roles, audit log, publishing to the live index, unanswered questions.

The Markdown files under kb/documents are the seed (`kb import`); once imported, the
database's published documents are what the knowledge service indexes and serves.
"""
