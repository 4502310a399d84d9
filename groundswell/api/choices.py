from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKeyScope(models.TextChoices):
    """How much an API key may do with its creator's permissions."""

    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")
