"""Template context shared by every page."""

from django.urls import get_script_prefix

from peacetracker.cache import cache_generation


def fragment_generation():
    """The current content generation and the path the site is served under: what every cached fragment
    depends on besides its own key, since fragments hold links."""
    return f"{cache_generation()}:{get_script_prefix()}"


def content_generation(request):
    """`content_generation`: the current content generation (with the site's path prefix), read only by a
    template that uses it (a `{% cache %}` fragment's key), so that any editorial write retires every
    cached fragment."""
    return {"content_generation": fragment_generation}
