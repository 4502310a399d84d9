"""Cell texts a spreadsheet would run as formulas (OWASP's CSV injection list), for export tests."""

HOSTILE = [
    '=HYPERLINK("https://evil.test","click")',
    "+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
]
