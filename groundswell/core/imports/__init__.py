"""The base's import machinery, shared by every app that takes in a CSV or Excel file.

- `reader`: one reader for CSV and XLSX (encoding, BOM, delimiter, size and row limits,
  header mapping, a NUL cell reported naming its column);
- `fields`: one validator per field type (email, date, moment, numbers, choices, ids...);
- `report`: one problem type and one report (problems by row and column, counts, the
  downloadable CSV through `core.lib.tabular`);
- `uploads`: a file kept between preview and confirm, stored as a file with an id
  (`core.Upload`), usable only by its owner.

Each app keeps only its own checks and writers (desk/imports/, people/imports/).
"""
