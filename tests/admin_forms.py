"""Helpers to post the admin's own forms back, as a browser would."""


def form_data(response):
    """What a browser would post back from an admin add or change page, unedited."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value
    return data


def form_errors(response):
    """The errors an admin page shows, for a readable assertion message."""
    if response.context is None or "adminform" not in response.context:
        return None
    errors = [response.context["adminform"].form.errors]
    errors += [inline.formset.errors for inline in response.context.get("inline_admin_formsets", [])]
    errors += [
        inline.formset.non_form_errors() for inline in response.context.get("inline_admin_formsets", [])
    ]
    return errors


def review_form_data(response):
    """What a browser posts back from a moderation page: the version and revision it showed."""
    form = response.context["form"]
    return {name: form[name].value() or "" for name in ("version", "revision", "digest")}


def decide(client, url, action, comment=""):
    """Open an item's moderation page and press one of its buttons, as a moderator would."""
    data = review_form_data(client.get(url))
    return client.post(url, {**data, "action": action, "comment": comment})
