"""The store: schema, migrations and the queries that read and write it. Knows no upstream format."""
