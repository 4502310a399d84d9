from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from groundswell.core import health


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: the process answers and the database responds (else 503).

    Cheap on purpose (one SELECT 1): a load balancer asks every few seconds, and a web process
    whose queue is slow should still take requests. `/healthz/full` checks everything."""
    database = health.check_database()
    if not database.ok:
        return JsonResponse({"status": "fail", "database": database.as_dict()}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def healthz_full(request: HttpRequest) -> JsonResponse:
    """For monitoring: every database, cache and the task queue (depth, oldest waiting task,
    failures); 503 when a part fails or the oldest waiting task is older than
    HEALTH_MAX_QUEUE_AGE. Public: it holds counts, timings and error classes, nothing else."""
    report = health.health_report()
    return JsonResponse(report.as_dict(), status=200 if report.ok else 503)
