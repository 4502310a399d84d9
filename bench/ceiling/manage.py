#!/usr/bin/env python
"""The ceiling's manage.py: `python manage.py ceiling_seed ...` from this folder."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceiling_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
