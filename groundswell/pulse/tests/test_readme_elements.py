"""The README names the culture assessment's elements as the item bank has them."""

from pathlib import Path

from django.conf import settings

from groundswell.pulse import item_bank


def test_the_readme_names_every_element_of_the_assessment() -> None:
    readme = (Path(settings.BASE_DIR) / "README.md").read_text().lower()
    words = {8: "eight", 9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}
    assert f"of {words[len(item_bank.ELEMENTS)]} elements" in readme
    for element in item_bank.ELEMENTS:
        assert str(element.label).lower().split(" and ")[0] in readme, element.code
