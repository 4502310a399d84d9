from typing import Any

from django.http import HttpRequest

from groundswell.core.navigation import admin_menu, main_menu


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menus for the signed-in person; nothing for visitors."""
    person = getattr(request, "person", None)
    if not person:
        return {"main_menu": [], "admin_menu": []}
    return {"main_menu": main_menu(person), "admin_menu": admin_menu(person)}
