"""Django's SQLite backend, with table rebuilds that keep the database's triggers."""
