"""The public filter forms' base: filters and form fields built once per worker, not once per request."""

import django_filters
from django.http import QueryDict
from django_filters.constants import EMPTY_VALUES
from django_filters.filters import QuerySetRequestMixin


class SharedFields(dict):
    """A form class's fields, shared by its instances: a form copies `base_fields` with `copy.deepcopy`
    on every request, and here that copy is shallow. Right for forms whose fields no instance changes."""

    def __deepcopy__(self, memo):
        return dict(self)


class QuickFilterSet(django_filters.FilterSet):
    """A filterset that shares its filters and its form's fields between requests.

    django-filter deep-copies every filter, builds every form field and defines a new form class for
    each request; on the meetings list that was a sixth of the page's work. The filters here are read,
    never changed, by a request: each filter's form field and the form class are built once per worker,
    and a method filter's method is looked up on the filterset itself (django-filter finds it through a
    `parent` set on each request's copy).

    Not for filters whose field depends on the request (a `queryset` given as a callable of the
    request): those stay on `django_filters.FilterSet`.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = self.base_filters

    def filter_queryset(self, queryset):
        for name, value in self.form.cleaned_data.items():
            filter_ = self.filters[name]
            method = filter_.method
            if method is None:
                queryset = filter_.filter(queryset, value)
            elif value not in EMPTY_VALUES:
                method = method if callable(method) else getattr(self, method)
                queryset = method(queryset, filter_.field_name, value)
        return queryset

    @classmethod
    def form_class(cls):
        # Looked up in the class's own __dict__, so that a subclass never takes its parent's form.
        if "_form_class" not in cls.__dict__:
            for name, filter_ in cls.base_filters.items():
                if isinstance(filter_, QuerySetRequestMixin):
                    raise TypeError(f"{cls.__name__}.{name}: a request's queryset cannot be shared")
                filter_.model = cls._meta.model
            fields = SharedFields((name, filter_.field) for name, filter_ in cls.base_filters.items())
            form_class = type(f"{cls.__name__}Form", (cls._meta.form,), dict(fields))
            form_class.base_fields = SharedFields(form_class.base_fields)
            cls._form_class = form_class
        return cls._form_class

    def get_form_class(self):
        return self.form_class()
