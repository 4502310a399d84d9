"""Importing interactions in bulk from a helpdesk's CSV or Excel export.

The base reads the file, validates each field type and reports problems
(groundswell/core/imports/); this package holds what is particular to interactions:

- `checks`: every row checked against the preset, the importer's teams, agents and the ids
  already imported, writing nothing (the dry run); rows that pass take a quick path of
  lookups, and the row-by-row check words the problems of the others;
- `writers`: the rows written in one transaction, with many-row INSERTs on SQLite and COPY on
  PostgreSQL;
- `staged`: a clean file (the import's usual case) checked and written set-wise: its cells
  copied into a temporary table, checked by one query and written by one INSERT ... SELECT
  (and one UPDATE ... FROM for known ids); a file with any row SQL cannot vouch for takes the
  row-by-row path, which words the report;
- `jobs`: the page's flow (upload, preview, confirm, watch) and the API's one-call import.

Every row is checked before anything is written; then either nothing is written (all or
nothing, when any row is wrong) or the good rows are, with a CSV report of every bad row.
Rows are matched on (source, external id): importing a file again updates the same
interactions instead of adding them twice.
"""

from groundswell.core.imports.reader import UnreadableFile
from groundswell.desk.imports.checks import (
    BATCH_SIZE,
    LOOKUP_CHUNK,
    MAX_FILE_BYTES,
    MAX_ROWS,
    Plan,
    Planned,
    check_file,
    match_sql,
    not_yours,
)
from groundswell.desk.imports.jobs import (
    format_help,
    import_file,
    preview_job,
    problem_list,
    problems_as_errors,
    report_csv,
    run_job,
    start_job,
)
from groundswell.desk.imports.writers import (
    COLUMNS,
    Outcome,
    commit_plan,
    datetime_adapter,
    write_plan,
)

__all__ = [
    "BATCH_SIZE",
    "COLUMNS",
    "LOOKUP_CHUNK",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "Outcome",
    "Plan",
    "Planned",
    "UnreadableFile",
    "check_file",
    "commit_plan",
    "datetime_adapter",
    "format_help",
    "import_file",
    "match_sql",
    "not_yours",
    "preview_job",
    "problem_list",
    "problems_as_errors",
    "report_csv",
    "run_job",
    "start_job",
    "write_plan",
]
