"""Backups of the whole site and their restore: the database and the media files in one archive.

An archive, `groundswell-<UTC time>-<engine>.tar.gz`, holds in this order:

- `manifest.json`: the format version, when and by which Groundswell it was made, the engine
  and its versions, the applied migrations, each table's row count and checksum, each media
  file's size and checksum, and what was left out and why (`archive.Manifest`);
- the database, taken from one consistent snapshot while the site runs: `database.sqlite3`, a
  copy made with SQLite's online backup API (`sqlite.py`), or `database.pgdump`, made by
  `pg_dump --format=custom` (`postgres.py`);
- `media/...`: the files under MEDIA_ROOT that are still needed (`media.py`).

`backup.create_backup` writes one. `restore.prepare_restore` reads one into staging files beside
the target, the manifest before anything else and every checksum before the target is touched,
and returns a `StagedRestore` whose `apply()` puts it in place. The secret key is never in an
archive (docs/backup.md says why and what that means for open pulse waves).
"""
