"""PostgreSQL access shared by the services: pools bound to a service's schema, and migrations."""
