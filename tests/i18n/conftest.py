from django.urls import reverse
from django.utils import translation


def url(name, language, query="", **kwargs):
    """A public page's path in one language, e.g. url("negotiations:meeting-list", "my")."""
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None) + (f"?{query}" if query else "")
