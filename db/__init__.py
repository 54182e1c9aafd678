"""The database layer: models, engine and sessions, the embedded-PostgreSQL bootstrap."""
