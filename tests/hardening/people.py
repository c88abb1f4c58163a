"""The people of the editorial roles, for the hardening and browser tests."""

from django.contrib.auth.models import Group, User

from peacetracker.roles import DATA_OFFICERS, EDITORS, MODERATORS

PASSWORD = "correct-horse-battery-staple"

# role: (is_staff, is_superuser, groups)
ROLES = {
    "anonymous": None,
    "editor": (True, False, [EDITORS]),
    "data_officer": (True, False, [DATA_OFFICERS]),
    "moderator": (True, False, [MODERATORS]),
    "superuser": (True, True, []),
}


def make_role_user(role, username=None):
    """A user with the given role (the README's roles table), or None for an anonymous reader."""
    spec = ROLES[role]
    if spec is None:
        return None
    is_staff, is_superuser, groups = spec
    user = User.objects.create_user(
        username or role, password=PASSWORD, is_staff=is_staff, is_superuser=is_superuser
    )
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


def admin_log_in(page, username, password=PASSWORD):
    """Log in through the admin's own login form, in a Playwright page."""
    from django.urls import reverse

    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{reverse('admin:index')}")
