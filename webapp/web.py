"""Serving the pages: two HTML shells, our scripts and the vendored libraries, gzip-compressed once in memory.

/m/workbench/  the DingTalk workbench micro-app (staff, admins, officials)
/m/expert/     the experts' pages (the mini-program's pages as mobile web)
/m/static/…    our scripts and styles; the shells name them with `?v=<hash>`, so a browser may keep them a year
/m/vendor/…    Vue and Vant (webapp/vendor/manifest.json), the version in the path: kept a year as well

The shells carry the little configuration a page needs (the DingTalk corpId, whether this is the sandbox), written
in when the app is built; the workbench's shell also carries kz.js, so its sign-in starts while the HTML is read.
In sandbox mode the workbench carries a stand-in `dd` (static/sandbox-dd.js, written into the shell) wired to the
sandbox DingTalk instead of DingTalk's JSAPI, so the same page code signs in offline, and the experts' pages load a
stand-in `wx` (static/sandbox-wx.js) playing the mini-program's wx.login and phone-number authorization, so an expert
binds there as in the mini-program.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from bot.bootstrap import Container

ROOT = Path(__file__).parent
STATIC, VENDOR = ROOT / "static", ROOT / "vendor"
VUE, VANT = "vue-3.5.47", "vant-4.10.2"
PREFIX = "/m"
WORKBENCH, EXPERT = f"{PREFIX}/workbench/", f"{PREFIX}/expert/"
VANT_JS = f"{PREFIX}/vendor/{VANT}/vant.min.js"
# DingTalk's JSAPI as DingTalk documents it for H5 micro-apps: loaded inside the DingTalk client only (outside it
# the page falls back to phone sign-in). Not vendored: the npm package ships no browser build.
DINGTALK_JSAPI = "https://g.alicdn.com/dingding/dingtalk-jsapi/3.2.9/dingtalk.open.js"
YEAR = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html"}


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    content_type: str
    etag: str

    @classmethod
    def of(cls, body: bytes, content_type: str) -> Asset:
        # Level 9 once per process: the pages' first load is mostly these libraries.
        digest = hashlib.sha256(body).hexdigest()[:16]
        return cls(body, gzip.compress(body, 9, mtime=0), content_type, f'"{digest}"')

    @classmethod
    def read(cls, path: Path) -> Asset:
        kind = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        asset = cls.of(path.read_bytes(), kind)
        # A vendored library's zopfli copy (made once when vendored, hash in the manifest): a few KB smaller than
        # level 9, which keeps the first load within its budget. Used only if it is that file, byte for byte.
        packed = path.with_name(path.name + ".gz")
        if packed.is_file() and gzip.decompress(gz := packed.read_bytes()) == asset.body:
            return cls(asset.body, gz, kind, asset.etag)
        return asset

    def version(self) -> str:
        return self.etag.strip('"')

    def respond(self, request: web.Request, cache: str) -> web.Response:
        """The bytes, gzip-compressed when the client accepts it; 304 when its copy is this one."""
        headers = {"ETag": self.etag, "Cache-Control": cache, "Vary": "Accept-Encoding"}
        if self.etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers=headers)
        body = self.body
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            body, headers["Content-Encoding"] = self.gzipped, "gzip"
        charset = "utf-8" if self.content_type.startswith("text/") else None
        return web.Response(body=body, content_type=self.content_type, charset=charset, headers=headers)


class Pages:
    """Every file read and compressed once, at start-up: a request only picks bytes."""

    def __init__(self, *, corp_id: str, sandbox: bool) -> None:
        self.static = {p.name: Asset.read(p) for p in STATIC.iterdir() if p.suffix in (".js", ".css")}
        if not sandbox:
            self.static.pop("sandbox-dd.js", None)
            self.static.pop("sandbox-wx.js", None)
        self.vendor = {
            str(p.relative_to(VENDOR)): Asset.read(p) for p in VENDOR.rglob("*") if p.suffix in (".js", ".css")
        }
        config = {"api": "/api/v1", "corpId": corp_id, "sandbox": sandbox, "workbench": WORKBENCH, "expert": EXPERT}
        configs = {page: {**config, "page": page} for page in ("workbench", "expert")}
        configs["workbench"]["vant"] = VANT_JS  # run after the home is drawn
        # The stand-in `dd` is written into the shell, as DingTalk's client has its JSAPI at hand (cached), so the
        # 免登 code is asked for before the libraries arrive; outside the sandbox, DingTalk's own script.
        dd = self._inline("sandbox-dd.js") if sandbox else f'<script src="{DINGTALK_JSAPI}"></script>'
        wx = f'<script src="{self._url("sandbox-wx.js")}"></script>' if sandbox else ""
        self.shells = {
            "workbench": self._shell("workbench.html", configs["workbench"], dd),
            "expert": self._shell("expert.html", configs["expert"], wx),
        }

    def _url(self, name: str) -> str:
        return f"{PREFIX}/static/{name}?v={self.static[name].version()}"

    def _inline(self, name: str) -> str:
        """One of our scripts written into a shell: no request of its own before the first API call."""
        source = self.static[name].body.decode("utf-8").replace("</script", "<\\/script")
        return f"<script>{source}</script>"

    def _inline_style(self, name: str) -> str:
        """Our styles written into a shell: no render-blocking request of their own (a few KB)."""
        source = self.static[name].body.decode("utf-8").replace("</style", "<\\/style")
        return f"<style>{source}</style>"

    def _shell(self, name: str, config: dict[str, object], dd: str) -> Asset:
        html = (STATIC / name).read_text("utf-8")
        for key, value in {
            "CONFIG": json.dumps(config, ensure_ascii=False).replace("</", "<\\/"),
            "DD": dd,
            "KZ_INLINE": self._inline("kz.js"),
            "VUE": f"{PREFIX}/vendor/{VUE}/vue.global.prod.js",
            "VANT_JS": VANT_JS,
            "VANT_CSS": f"{PREFIX}/vendor/{VANT}/index.css",
            "KZ_JS": self._url("kz.js"),
            "PAGES_CSS": self._url("pages.css"),
            "PAGES_CSS_INLINE": self._inline_style("pages.css"),
            "WORKBENCH_JS": self._url("workbench.js"),
            "EXPERT_JS": self._url("expert.js"),
        }.items():
            html = html.replace("{{" + key + "}}", value)
        # Any other script of ours by name, `{{static:kz-form.js}}`, with its hash.
        html = re.sub(r"\{\{static:([\w.-]+)\}\}", lambda m: self._url(m.group(1)), html)
        return Asset.of(html.encode("utf-8"), "text/html")

    async def workbench(self, request: web.Request) -> web.Response:
        return self.shells["workbench"].respond(request, REVALIDATE)

    async def expert(self, request: web.Request) -> web.Response:
        return self.shells["expert"].respond(request, REVALIDATE)

    async def static_file(self, request: web.Request) -> web.Response:
        asset = self.static.get(request.match_info["name"])
        if asset is None:
            raise web.HTTPNotFound()
        # Named by its hash from a shell: immutable. Asked for without it (or with an old one): revalidate.
        fresh = request.query.get("v") == asset.version()
        return asset.respond(request, YEAR if fresh else REVALIDATE)

    async def vendor_file(self, request: web.Request) -> web.Response:
        asset = self.vendor.get(request.match_info["path"])
        if asset is None:
            raise web.HTTPNotFound()
        return asset.respond(request, YEAR)


def add_page_routes(app: web.Application, container: Container) -> None:
    from bot.dingtalk.wiring import dingtalk_settings

    dingtalk = dingtalk_settings(container.settings)
    pages = Pages(corp_id=dingtalk.corp_id if dingtalk else "", sandbox=container.settings.sandbox)

    async def home(_request: web.Request) -> web.Response:
        raise web.HTTPFound(WORKBENCH)

    async def expert_home(_request: web.Request) -> web.Response:
        raise web.HTTPFound(EXPERT)

    app.router.add_get(PREFIX, home)
    app.router.add_get(f"{PREFIX}/", home)
    app.router.add_get(WORKBENCH, pages.workbench)
    app.router.add_get(WORKBENCH.rstrip("/"), home)
    app.router.add_get(EXPERT, pages.expert)
    app.router.add_get(EXPERT.rstrip("/"), expert_home)
    app.router.add_get(f"{PREFIX}/static/{{name}}", pages.static_file)
    app.router.add_get(f"{PREFIX}/vendor/{{path:.+}}", pages.vendor_file)
