"""The Groundswell API: django-ninja under /api/v1, each app's router mounted here."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Groundswell API",
    version="1",
    urls_namespace="api-1",
    description="Read and write Groundswell's organisation and service data.",
)
