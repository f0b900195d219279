"""The service hosts the pages: the shells, our scripts and the vendored libraries, compressed and cached."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import Container, build_container
from bot.settings import Settings
from bot.web import create_web_app
from handlers.clock import ManualClock
from webapp.web import DINGTALK_JSAPI

VENDOR = Path(__file__).parents[2] / "webapp" / "vendor"


@pytest.fixture(params=["sandbox", "production"])
async def site(request: pytest.FixtureRequest, settings: Settings, clock: ManualClock) -> AsyncIterator[Any]:
    sandbox = request.param == "sandbox"
    container: Container = await build_container(settings.model_copy(update={"sandbox": sandbox}), clock=clock)
    try:
        async with TestClient(TestServer(create_web_app(container))) as client:
            client.sandbox = sandbox  # type: ignore[attr-defined]
            yield client
    finally:
        await container.aclose()


def _config(html: str) -> dict[str, Any]:
    found = re.search(r"window\.KZ_CONFIG = (.*?);</script>", html)
    assert found is not None
    config: dict[str, Any] = json.loads(found.group(1))
    return config


async def test_the_workbench_shell_names_each_script_by_its_hash(site: Any) -> None:
    response = await site.get("/m/workbench/", headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip" and response.headers["Cache-Control"] == "no-cache"
    html = await response.text()
    assert "<title>供需荟工作台</title>" in html
    config = _config(html)
    assert config["api"] == "/api/v1" and config["sandbox"] is site.sandbox
    # The sign-in starts from the shell itself: kz.js is written into it, and in the sandbox the stand-in `dd`
    # (wired to the sandbox DingTalk) too, never DingTalk's own script.
    assert "KZ.boot =" in html and "/m/static/kz.js" not in html
    if site.sandbox:
        assert config["corpId"] == "ding-sandbox-corp"
        assert "/sandbox/dingtalk/_fake/authcodes" in html and "sandbox-dd.js" not in html
        assert DINGTALK_JSAPI not in html
    else:
        assert DINGTALK_JSAPI in html and "/sandbox/" not in html
    # Our styles are written into the shell too (a few KB, no render-blocking request of their own).
    assert ".kz-counts {" in html and "pages.css" not in html
    scripts = re.findall(r'(?:src|href)="(/m/[^"]+)"', html)
    # our script, Vue, Vant and its style
    assert len(scripts) == 4
    # Vant is fetched with the page but run by workbench.js once the home is drawn (the home needs only Vue).
    assert re.search(r'<link rel="preload" as="script" href="/m/vendor/vant-[\d.]+/vant\.min\.js">', html)
    assert not re.search(r"<script src=\"[^\"]*vant\.min\.js", html)
    assert config["vant"] in scripts
    # The sign-in forms load only where 免登 is not possible or did not work.
    signin = re.search(r'window\.KZ_SIGNIN = "([^"]+)";', html)
    assert signin is not None and signin.group(1).startswith("/m/static/kz-signin.js?v=")
    assert "KZ.SignIn =" not in html
    scripts.append(signin.group(1))
    # loaded when a working page is first opened: the form renderer, then the working pages
    listed = re.search(r"window\.KZ_LATER = (\[[^\]]*\]);", html)
    assert listed is not None
    later = json.loads(listed.group(1))
    assert [url.split("?v=")[0] for url in later] == [
        "/m/static/kz-form.js",
        "/m/static/workbench-staff.js",
        "/m/static/workbench-admin.js",
        "/m/static/workbench-monitoring.js",  # adds its views to the working pages': after them
        "/m/static/register.js",
        "/m/static/managers.js",
    ]
    scripts += later
    for url in scripts:
        fetched = await site.get(url)
        assert fetched.status == 200, url
        if "?v=" in url or url.startswith("/m/vendor/"):
            assert fetched.headers["Cache-Control"] == "public, max-age=31536000, immutable", url


async def test_vendored_files_are_served_as_recorded_compressed_and_revalidated(site: Any) -> None:
    entry = next(e for e in json.loads((VENDOR / "manifest.json").read_text())["files"] if e["package"] == "vue")
    raw = (VENDOR / entry["file"]).read_bytes()
    response = await site.get(
        f"/m/vendor/{entry['file']}", headers={"Accept-Encoding": "gzip, deflate"}, auto_decompress=False
    )
    assert response.status == 200 and response.headers["Content-Encoding"] == "gzip"
    assert response.content_type == "text/javascript"
    compressed = await response.read()
    assert gzip.decompress(compressed) == raw and len(compressed) < len(raw) / 2
    again = await site.get(f"/m/vendor/{entry['file']}", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status == 304
    plain = await site.get(f"/m/vendor/{entry['file']}", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and await plain.read() == raw


async def test_what_is_not_there_is_not_found(site: Any) -> None:
    assert (await site.get("/m/vendor/vue-3.5.47/LICENSE")).status == 404  # only scripts and styles
    assert (await site.get("/m/vendor/../web.py")).status == 404
    assert (await site.get("/m/static/workbench.html")).status == 404  # shells only at their own paths
    assert (await site.get("/m/static/sandbox-dd.js")).status == (200 if site.sandbox else 404)
    assert (await site.get("/m/static/sandbox-wx.js")).status == (200 if site.sandbox else 404)
    stale = await site.get("/m/static/kz.js?v=0000")  # an old shell's link: served, but not kept a year
    assert stale.status == 200 and stale.headers["Cache-Control"] == "no-cache"


async def test_short_paths_lead_to_the_pages(site: Any) -> None:
    for path, target in (("/m", "/m/workbench/"), ("/m/workbench", "/m/workbench/"), ("/m/expert", "/m/expert/")):
        response = await site.get(path, allow_redirects=False)
        assert response.status == 302 and response.headers["Location"] == target
    expert = await site.get("/m/expert/")
    html = await expert.text()
    assert "<title>供需荟 · 专家</title>" in html
    # In the sandbox the stand-in `wx` (the mini-program's login and phone authorization) for the bind page.
    assert ("/m/static/sandbox-wx.js?v=" in html) is site.sandbox
