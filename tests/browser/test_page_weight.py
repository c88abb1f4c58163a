"""What a reader's phone downloads: the busiest English pages within a budget on a first view, pages sent
compressed, and the icon browsers ask for at the site's root."""

import gzip

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser

BUDGET = 60_000  # bytes, headers included, for a first view with nothing cached
# Static files that whitenoise compresses ahead of time in production (CompressedManifestStaticFilesStorage);
# the test server sends them as they are, so the test compresses them as whitenoise would.
COMPRESSED_STATIC = ("text/", "application/javascript", "application/json", "image/svg+xml")


@pytest.fixture
def live_seed(transactional_db):
    call_command("load_seed", verbosity=0)


def first_view(page, path):
    """{address: bytes transferred} for everything the page loads, fonts and images included."""
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(path)
    page.wait_for_load_state("networkidle")
    sizes = {}
    for response in responses:
        sent = response.request.sizes()
        body = response.body()
        if response.headers.get("content-encoding"):
            body_bytes = sent["responseBodySize"]
        elif "/static/" in response.url and response.headers.get("content-type", "").startswith(
            COMPRESSED_STATIC
        ):
            body_bytes = len(gzip.compress(body, compresslevel=9))
        else:
            body_bytes = len(body)
        sizes[response.url] = sent["responseHeadersSize"] + body_bytes
    return sizes


@pytest.mark.parametrize("path", ["/en/meetings/", "/en/organisations/kio-kia/"])
def test_an_english_page_weighs_at_most_60_kb_on_a_first_view(page, live_server, live_seed, path):
    sizes = {url.removeprefix(live_server.url): size for url, size in first_view(page, path).items()}
    total = sum(sizes.values())
    print(f"\n{path}: {total / 1000:.1f} KB", sizes)
    assert total <= BUDGET, sizes
    assert not any("/fonts/" in url for url in sizes)


def test_the_page_itself_comes_compressed(page, live_seed):
    responses = []
    page.on(
        "response",
        lambda response: responses.append(response) if response.url.endswith("/meetings/") else None,
    )
    page.goto("/en/meetings/")
    (response,) = responses
    assert response.headers["content-encoding"] == "gzip"
    assert response.request.sizes()["responseBodySize"] < len(response.body()) / 3


def test_pages_are_sent_compressed_only_to_browsers_that_ask(client, db):
    compressed = client.get("/en/organisations/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert "<h1>Organisations</h1>" in gzip.decompress(compressed.content).decode()
    plain = client.get("/en/organisations/")
    assert not plain.has_header("Content-Encoding")
    assert "<h1>Organisations</h1>" in plain.content.decode()


def test_the_icon_answers_at_the_sites_root(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x00\x00\x01\x00")  # an ICO file's header


def test_every_page_names_its_icon(client, db):
    page = client.get("/en/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page


def test_hashed_static_files_are_sent_compressed_and_cached_for_a_year(client, db, settings, tmp_path):
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.template.loader import render_to_string
    from django.test import Client

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    hashed = staticfiles_storage.url("css/site.css")
    assert hashed != "/static/css/site.css" and hashed.endswith(".css")
    # A new client loads the middleware afresh, so whitenoise finds the files just collected.
    response = Client().get(hashed, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response["Cache-Control"] and "immutable" in response["Cache-Control"]
    # What every page's head holds (rendered here, as a worker renders it once: `fixed_include`).
    assert f'href="{hashed}"' in render_to_string("includes/_site_stylesheet.html")
