#!/bin/sh
# Creates Temporal's two databases if missing and migrates them to the schema of this image's
# server version (the SQL tool's embedded schemas). Every step is a no-op when already done, so
# it runs on every `docker compose up`. Connection: SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER,
# SQL_PASSWORD (read by temporal-sql-tool itself).
set -eu

migrate() { # database, embedded schema
  echo "temporal-schema: $1 <- $2"
  temporal-sql-tool --db "$1" create-database
  temporal-sql-tool --db "$1" setup-schema --version 0.0
  temporal-sql-tool --db "$1" update-schema --schema-name "$2"
}

migrate temporal postgresql/v12/temporal
migrate temporal_visibility postgresql/v12/visibility
echo "temporal-schema: done"
