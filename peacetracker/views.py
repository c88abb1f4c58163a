"""The health check and the mixin every public view shares."""

from django.db import connection
from django.http import JsonResponse


class PublishedMixin:
    """Public views read only published rows."""

    def get_queryset(self):
        return super().get_queryset().published()


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
