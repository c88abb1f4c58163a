"""Template context shared by every page."""

from peacetracker.cache import cache_generation


def content_generation(request):
    """`content_generation`: the current content generation, read only by a template that uses it (a
    `{% cache %}` fragment's key), so that any editorial write retires every cached fragment."""
    return {"content_generation": cache_generation}
