from typing import Any

from django.http import HttpRequest

from groundswell.site.navigation import admin_menu, main_menu


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menus for the signed-in person; nothing for visitors."""
    person = getattr(request, "person", None)
    if not person:
        return {"main_menu": [], "admin_menu": []}
    menu = main_menu(person)
    # The link to this page, compared without its last character (as "/desk" and "/desk/").
    here = request.path[:-1]
    current = next((link.url for link in menu if link.url[:-1] == here), None)
    return {"main_menu": menu, "admin_menu": admin_menu(person), "current_menu_url": current}
