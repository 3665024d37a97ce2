#!/bin/sh
# The postgres image runs this once, on the first start of an empty volume: it creates the role web,
# worker and beat log in as (HLT_RUNTIME_USER, DATABASE_URL in .env). The role owns nothing; the
# migrate service gives it its privileges (manage.py grant_runtime_role) after every migrate.
# An existing volume never runs it: see README "Database roles" for the one command to run instead.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v role="$HLT_RUNTIME_USER" -v password="$HLT_RUNTIME_PASSWORD" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
SQL
