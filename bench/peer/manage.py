#!/usr/bin/env python
"""The peer's manage.py; run with the peer's own virtual environment (bench/harness)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_host.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
