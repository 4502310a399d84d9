"""Times the people directory with Django's test client against the database in the environment.

Run by bench/run.py after it has loaded the large demo organisation; prints the median (p50)
time of `--requests` requests for each page, after a few warm-up requests, as
`bench <name>: <value> ms`. Requests go through the whole Django stack (middleware, sessions,
permissions, templates) but not a web server.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import django
from django.test import Client

WARM_UP = 3


def median_ms(client: Client, url: str, requests: int) -> float:
    for _ in range(WARM_UP):
        client.get(url)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description="Time the people directory.")
    parser.add_argument("--requests", type=int, default=40)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.settings")
    django.setup()

    from django.contrib.auth.models import User
    from django.urls import reverse

    from groundswell.people.choices import Role
    from groundswell.people.demo import DEMO_EMAILS

    suffix = os.environ.get("BENCH_SUFFIX", "")
    client = Client()
    # The executive sees the whole organisation: the largest directory there is.
    viewer = User.objects.get(username=DEMO_EMAILS[Role.EXECUTIVE])
    client.force_login(viewer, backend="groundswell.people.backends.PersonBackend")
    directory = reverse("people:person-list")
    pages = {
        "people_directory_p50": directory,
        "people_directory_search_p50": f"{directory}?q=smith",
    }
    for name, url in pages.items():
        print(f"bench {name}{suffix}: {median_ms(client, url, options.requests):.1f} ms")


if __name__ == "__main__":
    main()
