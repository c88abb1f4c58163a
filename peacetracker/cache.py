"""The anonymous readers' page cache, retired at once in every worker when any editorial content changes.

Every cached page is stored under the content generation current when its request began; any write to
editorial content replaces that generation with a new random number, so every worker stops finding the
old pages on its next request. Random rather than incremented, so that two workers bumping at once can
never leave the old value in place. The generation is kept in the state cache (the "state" alias), which
readers' pages never write to, so that no flood of pages can evict it.
"""

import contextlib
import contextvars
import secrets

from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import cc_delim_re, get_cache_key, has_vary_header, learn_cache_key
from django.utils.translation import get_language, get_language_from_path

from .moderation import Moderated
from .roles import editorial_models, moderated_owners

GENERATION_KEY = "peacetracker:content-generation"
HIDDEN_STATES = {Moderated.Status.DRAFT, Moderated.Status.IN_REVIEW, Moderated.Status.UNPUBLISHED}
MESSAGES_COOKIE = "messages"


def page_cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def state_cache():
    """The shared cache of small working state (the content generation, import progress and heartbeats),
    apart from the pages; settings without a "state" cache keep it in the page cache."""
    return caches["state"] if "state" in settings.CACHES else page_cache()


# Within a reader's request (`PageCacheMiddleware`), a one-item list holding the generation once it has
# been read: the request reads several lists kept per generation, and each read of the generation is a
# trip to the shared cache.
_request_generation = contextvars.ContextVar("request_generation", default=None)


def cache_generation():
    """The current content generation, created on first use (or after the cache lost it); within a
    reader's request, the one it read first."""
    kept = _request_generation.get()
    if kept is not None and kept[0] is not None:
        return kept[0]
    cache = state_cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, secrets.randbits(63), timeout=None)
        generation = cache.get(GENERATION_KEY)
    if kept is not None:
        kept[0] = generation
    return generation


def cache_generation_bump():
    """Retire every cached page in every worker; bulk writes that send no signals (imports) call this."""
    state_cache().set(GENERATION_KEY, secrets.randbits(63), timeout=None)


def generation_cached(key, compute):
    """`compute()`'s value, shared by every worker until editorial content next changes.

    For small lists read on every request that change only when content does (a filter's choices). The
    language is part of the key, since labels are translated.
    """
    full_key = f"generation:{cache_generation()}:{get_language()}:{key}"
    cache = page_cache()
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value)
    return value


def change_may_show(instance, created=False):
    """False only for a row no reader can have seen or will see: content that is not published and was
    not published when read, or a new row of such content (a participant added to a draft meeting).

    Editors save drafts all day; retiring every cached page on each of those saves would leave readers
    with no cache at all. Anything uncertain (a row not read from the database, an edit to a row that
    belongs to content) counts as visible.
    """
    if isinstance(instance, Moderated):
        if instance.status == Moderated.Status.PUBLISHED:
            return True
        if created:
            return False
        return getattr(instance, "stored_status", None) not in HIDDEN_STATES
    if created:
        owners = moderated_owners(instance)
        return not owners or any(change_may_show(owner) for owner in owners)
    return True


def _content_changed(sender, using="default", action="post_", **kwargs):
    if not action.startswith("post_"):
        return
    if "pk_set" not in kwargs and not change_may_show(kwargs["instance"], kwargs.get("created", False)):
        return
    cache_generation_bump()
    # A reader who rendered between this write and its commit stored the old page under the new
    # generation, so the generation moves again once the transaction commits.
    connection = connections[using]
    if connection.in_atomic_block and not any(
        entry[1] is cache_generation_bump for entry in connection.run_on_commit
    ):
        transaction.on_commit(cache_generation_bump, using=using, robust=True)


def page_cache_connect():
    """Bump the generation on every save, delete and many-to-many change of editorial content."""
    for model in editorial_models():
        label = model._meta.label_lower
        post_save.connect(_content_changed, sender=model, dispatch_uid=f"page_cache_save_{label}")
        post_delete.connect(_content_changed, sender=model, dispatch_uid=f"page_cache_delete_{label}")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _content_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"page_cache_m2m_{label}_{field.name}",
            )


class PageCacheMiddleware:
    """Serve anonymous GET and HEAD requests for public pages from the shared cache, marked X-Cache."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._uncached_prefixes = None

    def __call__(self, request):
        if not self.for_reader(request):
            return self.get_response(request)
        token = _request_generation.set([None])
        try:
            if not getattr(settings, "PAGE_CACHE", True):
                return self.get_response(request)
            return self.cached_response(request)
        finally:
            _request_generation.reset(token)

    def cached_response(self, request):
        cache = page_cache()
        # Each language's page is its own entry. The language is the one in the path, the same before
        # and after the view runs; an unprefixed page varies by Accept-Language, and its key by that.
        language = get_language_from_path(request.path_info) or "-"
        key_prefix = f"page:{cache_generation()}:{language}"
        with translation.override(language if language != "-" else settings.LANGUAGE_CODE):
            key = get_cache_key(request, key_prefix, "GET", cache=cache)
        if key is not None:
            response = cache.get(key)
            if response is not None:
                response["X-Cache"] = "HIT"
                return response
        response = self.get_response(request)
        if request.method == "GET" and self.storable(request, response):
            with translation.override(language if language != "-" else settings.LANGUAGE_CODE):
                request.LANGUAGE_CODE = translation.get_language()
                cache.set(learn_cache_key(request, response, None, key_prefix, cache=cache), response)
        response["X-Cache"] = "MISS"
        return response

    def uncached_prefixes(self):
        if self._uncached_prefixes is None:
            prefixes = []
            for name in ("admin:index", "healthz"):
                with contextlib.suppress(NoReverseMatch):
                    prefixes.append(reverse(name))
            self._uncached_prefixes = tuple(prefixes)
        return self._uncached_prefixes

    def for_reader(self, request):
        """Anonymous readers only: no session or messages cookie, no credentials, not the admin."""
        return (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and MESSAGES_COOKIE not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
            and not request.path.startswith(self.uncached_prefixes())
        )

    def storable(self, request, response):
        """A complete 200 page meant for anyone: no cookie set, not private, not a preview."""
        user = getattr(request, "user", None)
        cache_control = {
            directive.strip().split("=")[0].lower()
            for directive in cc_delim_re.split(response.get("Cache-Control", ""))
        }
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not (user is not None and user.is_authenticated)
            and not cache_control & {"private", "no-store", "no-cache"}
            and not has_vary_header(response, "*")
        )
