#!/bin/sh
# Restore a backup made by backup-province.sh into a FRESH, empty database and empty file folders.
#
#   DATABASE_URL=postgres://…/congress_restored MEDIA_ROOT=… PRIVATE_STORAGE_ROOT=… \
#       deploy/backup/restore-province.sh /var/backups/congress-cloud/2026-12-05
#
# Checks the backup's checksums first, restores the database with two jobs and stops at the first error, then
# unpacks the files. Afterwards run `manage.py migrate` (a no-op when the code is the backup's own version).
set -eu
src=${1:?usage: restore-province.sh BACKUP_DIRECTORY}
: "${DATABASE_URL:?DATABASE_URL is not set}" "${MEDIA_ROOT:?MEDIA_ROOT is not set}"
: "${PRIVATE_STORAGE_ROOT:?PRIVATE_STORAGE_ROOT is not set}"
(cd "$src" && sha256sum --check --quiet SHA256SUMS)
for folder in "$MEDIA_ROOT" "$PRIVATE_STORAGE_ROOT"; do
    mkdir -p "$folder"
    if [ -n "$(ls -A "$folder")" ]; then
        echo "restore-province: $folder is not empty; restore into empty folders" >&2
        exit 2
    fi
done
pg_restore --exit-on-error --no-owner --jobs=2 --dbname="$DATABASE_URL" "$src/database.dump"
tar -C "$MEDIA_ROOT" -xzf "$src/media.tar.gz"
tar -C "$PRIVATE_STORAGE_ROOT" -xzf "$src/private.tar.gz"
echo "restore-province: restored $src"
