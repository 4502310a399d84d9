"""Tasks for the queue tests: one that always fails, one that does nothing.

Each takes an argument that looks like personal data, so the tests can show that neither the
health report nor the operations page ever repeats a task's arguments or its error message.
"""

from django.tasks import task


@task
def always_fails(email: str) -> None:
    raise RuntimeError(f"could not write to {email}")


@task
def does_nothing(email: str) -> None:
    return None
