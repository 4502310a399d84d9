"""Bulk import of people from a CSV or Excel file: read it, check every row, then write all
or nothing.

The base reads the file, validates each field type and reports problems
(groundswell/core/imports/); this package holds what is particular to people:

- `checks`: the columns, every row checked against the organisation and the importer's
  rights, writing nothing;
- `writers`: logins, new people and updates written in one transaction;
- `jobs`: upload, preview, confirm (the file kept as a `core.Upload` in between), and the
  template to fill in.
"""

from groundswell.people.imports.checks import (
    COLUMNS,
    MAX_FILE_BYTES,
    REQUIRED_COLUMNS,
    CsvRow,
    CsvTable,
    ImportResult,
    ImportRow,
    RowStatus,
    read_csv,
    read_file,
)
from groundswell.people.imports.jobs import (
    commit_import,
    forget_upload,
    format_help,
    keep_upload,
    preview_import,
    recall_upload,
    template_csv,
)
from groundswell.people.imports.writers import import_people

__all__ = [
    "COLUMNS",
    "MAX_FILE_BYTES",
    "REQUIRED_COLUMNS",
    "CsvRow",
    "CsvTable",
    "ImportResult",
    "ImportRow",
    "RowStatus",
    "commit_import",
    "forget_upload",
    "format_help",
    "import_people",
    "keep_upload",
    "preview_import",
    "read_csv",
    "read_file",
    "recall_upload",
    "template_csv",
]
