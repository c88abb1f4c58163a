"""Deployment security: headers on every page, production cookie settings, the admin's URL and lockout."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k3Q9-vT2pL8-zX4r-W6nB1-yH7mC5-dF0sJ9-aG2eU4-oK8iR3",
    "DJANGO_ALLOWED_HOSTS": "example.org",
}


def django_shell(code, **env):
    """Run Python in `manage.py shell` with the real settings and these environment variables."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env, DJANGO_SETTINGS_MODULE="peacetracker.settings")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def csp_directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


PUBLIC_PAGES = [
    ("home", {}),
    ("negotiations:meeting-list", {}),
    ("orgs:organisation-list", {}),
    ("orgs:clashes", {}),
    ("search", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PUBLIC_PAGES + [("admin:login", {})])
def test_every_page_carries_a_strict_content_security_policy(client, db, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    policy = csp_directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.parametrize(("name", "kwargs"), PUBLIC_PAGES + [("admin:login", {})])
def test_every_page_forbids_sniffing_framing_and_leaking_the_referrer(client, db, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_exports_and_the_feed_carry_the_policy_too(client, db):
    for name in ("negotiations:meeting-export-csv", "negotiations:statement-feed", "sitemap"):
        response = client.get(reverse(name))
        assert "default-src 'self'" in response["Content-Security-Policy"], name
        assert response["X-Content-Type-Options"] == "nosniff", name


def test_production_settings_send_cookies_over_https_only_and_ask_for_hsts():
    output = django_shell(
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_CONTENT_TYPE_NOSNIFF, s.SECURE_REFERRER_POLICY)",
        **PRODUCTION,
    )
    assert output.split() == [
        "True",
        "True",
        "True",
        "True",
        "True",
        "31536000",
        "True",
        "True",
        "same-origin",
    ]


def test_production_redirects_plain_http_to_https_and_sends_hsts_over_https():
    output = django_shell(
        "from django.test import Client; c = Client();"
        " r = c.get('/en/meetings/', HTTP_HOST='example.org'); print(r.status_code, r['Location']);"
        " r = c.get('/healthz', HTTP_HOST='example.org', HTTP_X_FORWARDED_PROTO='https');"
        " print(r.status_code, r['Strict-Transport-Security'])",
        **PRODUCTION,
        DATABASE_URL="sqlite:///:memory:",
    )
    first, second = output.splitlines()[-2:]
    assert first == "301 https://example.org/en/meetings/"
    assert second == "200 max-age=31536000; includeSubDomains; preload"


def test_the_admin_moves_to_the_path_in_django_admin_url():
    output = django_shell(
        "from django.urls import reverse, resolve, Resolver404\n"
        "print(reverse('admin:index'))\n"
        "try:\n    resolve('/admin/'); print('admin still answers')\n"
        "except Resolver404:\n    print('gone')",
        DJANGO_ADMIN_URL="backstage-7f3a/",
    )
    assert output.splitlines() == ["/backstage-7f3a/", "gone"]


def test_the_lockout_settings_come_from_the_environment():
    output = django_shell(
        "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)",
        DJANGO_AXES_FAILURE_LIMIT="7",
        DJANGO_AXES_COOLOFF_MINUTES="90",
    )
    assert output == "7 1:30:00"


@override_settings(AXES_FAILURE_LIMIT=3)
def test_admin_login_is_locked_after_repeated_failures_and_axes_reset_unlocks_it(client, db):
    User.objects.create_user("ed", password="right-horse-battery", is_staff=True)
    login = reverse("admin:login")
    for _attempt in range(2):
        response = client.post(login, {"username": "ed", "password": "wrong"})
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text

    response = client.post(login, {"username": "ed", "password": "wrong"})
    assert response.status_code == 429
    assert "Login locked: 3 failed attempts" in response.text
    assert "Try again after 0:30:00" in response.text

    # Even the right password is refused during the cool-off.
    response = client.post(login, {"username": "ed", "password": "right-horse-battery"})
    assert response.status_code == 429
    assert not client.session.get("_auth_user_id")

    call_command("axes_reset", verbosity=0)
    response = client.post(login, {"username": "ed", "password": "right-horse-battery"})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_lockout_of_one_account_leaves_other_accounts_able_to_log_in(client, db):
    User.objects.create_user("mod", password="another-long-phrase", is_staff=True)
    for _attempt in range(3):
        client.post(reverse("admin:login"), {"username": "intruder-guess", "password": "x"})
    response = client.post(reverse("admin:login"), {"username": "mod", "password": "another-long-phrase"})
    assert response.status_code == 302
