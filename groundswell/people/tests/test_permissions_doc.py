from pathlib import Path

from groundswell.people.permissions import matrix_as_markdown

DOC = Path(__file__).resolve().parents[3] / "docs" / "permissions.md"


def test_docs_permissions_table_matches_the_code():
    text = DOC.read_text()
    documented = text.split("<!-- matrix:start -->\n", 1)[1].split("\n<!-- matrix:end -->", 1)[0]

    assert documented == matrix_as_markdown()
