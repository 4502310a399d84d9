"""Form widgets written in Python rather than with templates, for the busiest filter forms.

Django renders a <select> through a template that includes two more templates for every
option, which for a long list of agents costs more than the rest of a page. These write the
same HTML (give or take whitespace) directly.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


class FilterSelect(forms.Select):
    """A <select> of flat (value, label) choices, written without templates."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        selected = set(self.format_value(value))
        options = "\n".join(
            [
                f'  <option value="{escape(option)}"'
                f"{' selected' if str(option) in selected else ''}>{escape(label)}</option>"
                for option, label in self.choices
            ]
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        options_html = mark_safe(options)  # noqa: S308 (each value and label is escaped above)
        return format_html('<select name="{}"{}>\n{}\n</select>', name, attributes, options_html)


class FilterDateInput(forms.DateInput):
    """A date <input>, written without templates."""

    input_type = "date"

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        shown = self.format_value(value)
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            self.input_type,
            name,
            format_html(' value="{}"', shown) if shown is not None else "",
            flatatt(self.build_attrs(self.attrs, attrs)),
        )
