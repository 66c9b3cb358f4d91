#!/bin/sh
# Back up a whole province: the database (every congress schema and the public schema) and the files.
#
#   deploy/backup/backup-province.sh /var/backups/congress-cloud/2026-12-05
#
# Reads DATABASE_URL, MEDIA_ROOT and PRIVATE_STORAGE_ROOT from the environment (source /etc/congress-cloud/env
# first). Writes database.dump (pg_dump's custom format: restore with pg_restore, several jobs at once),
# media.tar.gz, private.tar.gz and SHA256SUMS into the given directory, which must not exist yet.
# pg_dump must be the server's major version or newer. pg_dump holds a lock on every table it dumps: at 1,600
# congresses that is ~95,000 tables, so the server needs max_locks_per_transaction ≥ 1024 (docs/province.md).
set -eu
dest=${1:?usage: backup-province.sh DIRECTORY}
: "${DATABASE_URL:?DATABASE_URL is not set}" "${MEDIA_ROOT:?MEDIA_ROOT is not set}"
: "${PRIVATE_STORAGE_ROOT:?PRIVATE_STORAGE_ROOT is not set}"
if [ -e "$dest" ]; then
    echo "backup-province: $dest exists; give a new directory" >&2
    exit 2
fi
mkdir -p "$dest.partial"
# The database first: files added after the dump are then only extra, never missing.
pg_dump --format=custom --compress=6 --file="$dest.partial/database.dump" --dbname="$DATABASE_URL"
tar -C "$MEDIA_ROOT" -czf "$dest.partial/media.tar.gz" .
tar -C "$PRIVATE_STORAGE_ROOT" -czf "$dest.partial/private.tar.gz" .
(cd "$dest.partial" && sha256sum database.dump media.tar.gz private.tar.gz > SHA256SUMS)
# Only a complete backup gets the name asked for.
mv "$dest.partial" "$dest"
echo "backup-province: $dest"
