"""The platform under every staff feature: the admin database (SQLite or PostgreSQL), its tables
and Alembic migrations, staff accounts and sessions, the audit log, the texts staff read, crash-safe
file writes, Vietnam time."""
