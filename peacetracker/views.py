"""The health check and the mixins every public view shares."""

from django.db import connection
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

from .cache import generation_cached
from .models import Revision
from .revisions import assign_fields
from .services import pending_revision_for


class PublishedMixin:
    """Public views read only what readers may see (`public()`)."""

    def get_queryset(self):
        return super().get_queryset().public()


class CountedOnceMixin:
    """A public list whose unfiltered rows are counted once per content generation, not on every request
    (a COUNT of every public row is a scan of the table)."""

    def is_filtered(self):
        """Whether the reader set a filter (a sort order is not one); a filter in error counts as set."""
        filterset = getattr(self, "filterset", None)
        if filterset is None or not filterset.is_bound:
            return False
        form = filterset.form
        return not form.is_valid() or any(
            value for name, value in form.cleaned_data.items() if name != "sort"
        )

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super().get_paginator(queryset, *args, **kwargs)
        if not self.is_filtered():
            key = f"public-count:{self.model._meta.label_lower}"
            paginator.count = generation_cached(key, queryset.count)
        return paginator


class PreviewMixin(PublishedMixin):
    """A detail page that staff can also open for a draft, or with `?version=pending` for a pending change."""

    def is_preview_user(self):
        user = self.request.user
        opts = self.model._meta
        return (
            user.is_authenticated
            and user.is_staff
            and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
        )

    def get_queryset(self):
        if self.is_preview_user():
            return super(PublishedMixin, self).get_queryset()
        return super().get_queryset()

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.pending_preview = None
        if self.is_preview_user() and self.request.GET.get("version") == "pending":
            change = pending_revision_for(obj, Revision.Kind.CHANGE)
            if change is not None:
                assign_fields(obj, change.data)
                self.pending_preview = change
        return obj

    def is_public(self, obj):
        """Whether readers can see this item: anyone else reached it through `public()`."""
        return not self.is_preview_user() or self.model._default_manager.public().filter(pk=obj.pk).exists()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = bool(self.pending_preview) or not self.is_public(self.object)
        context["preview_pending"] = self.pending_preview
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context.get("preview"):
            add_never_cache_headers(response)
        return response


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
