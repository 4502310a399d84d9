"""The ceiling's tables: what Groundswell's hot paths read and write, and nothing else.

Each model names its manager: the type checker runs with Groundswell's settings, where this app
is not installed, so it would not add `objects` by itself.
"""

from __future__ import annotations

from django.db import models


class Team(models.Model):
    name = models.CharField(max_length=100)
    objects: models.Manager[Team] = models.Manager()

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    """An integration's key, stored as its SHA-256 digest (as Groundswell stores its keys)."""

    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    objects: models.Manager[ApiKey] = models.Manager()

    def __str__(self) -> str:
        return self.name


class Interaction(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT)
    channel = models.CharField(max_length=16)
    status = models.CharField(max_length=16)
    subject = models.CharField(max_length=200)
    opened_at = models.DateTimeField(db_index=True)
    resolved_at = models.DateTimeField(null=True)
    handle_time_seconds = models.IntegerField(null=True)
    source = models.CharField(max_length=40, default="api")
    # NULL for rows without one: NULLs never clash, so a plain unique index serves the upsert.
    external_id = models.CharField(max_length=100, null=True)  # noqa: DJ001
    objects: models.Manager[Interaction] = models.Manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="ceiling_source_external"
            )
        ]
        indexes = [models.Index(fields=["team", "opened_at"], name="ceiling_team_opened")]

    def __str__(self) -> str:
        return self.subject


class Invitation(models.Model):
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE)
    token_hash = models.CharField(max_length=64, unique=True)  # SHA-256 of the link's token
    expires_at = models.DateTimeField()
    objects: models.Manager[Invitation] = models.Manager()

    def __str__(self) -> str:
        return self.token_hash[:8]


class Response(models.Model):
    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE)  # one answer each
    score = models.SmallIntegerField()
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(db_index=True)
    objects: models.Manager[Response] = models.Manager()

    def __str__(self) -> str:
        return f"{self.score}"
