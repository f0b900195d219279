// Shared by the workbench and the experts' pages: the /api/v1 client, the session, sign-in and formatting.
// Pages keep no secret and decide nothing: every rule is the API's, and its Chinese message is shown as sent.
(function () {
  "use strict";
  const C = window.KZ_CONFIG;
  // One session per page; in the sandbox also per simulated DingTalk person (the console's phones share a tab).
  // The sandbox console's WeChat phones open the experts' pages with ?wx_user=<person>: one session per person too.
  const WX_USER = C.sandbox ? new URLSearchParams(location.search).get("wx_user") : null;
  const KEY = "kz.session." + location.pathname + (window.dd && dd.sandboxUser ? "#" + dd.sandboxUser : WX_USER ? "#" + WX_USER : "");

  class ApiError extends Error {
    constructor(status, body) {
      const error = (body && body.error) || {};
      super(error.message || "请求失败（" + status + "）");
      this.status = status;
      this.code = error.code || "";
      this.field = error.field || ""; // the field a form's error names, if any
      this.fields = error.fields || []; // invalid_form: every field with its own message
    }
  }

  // Made on first use: a formatter with a time zone costs a fresh page 25–45 ms (ICU's zone data), which here,
  // in the shell, would hold back the sign-in's first request.
  let BEIJING = null;
  const beijingFormat = () => (BEIJING = BEIJING || new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }));

  const KZ = {
    config: C,
    ApiError,
    token() { return sessionStorage.getItem(KEY); },
    keep(token) { sessionStorage.setItem(KEY, token); },
    forget() { sessionStorage.removeItem(KEY); },
    async api(path, options) {
      const { method = "GET", body } = options || {};
      const headers = { Accept: "application/json" };
      const token = KZ.token();
      if (token) headers.Authorization = "Bearer " + token;
      if (body !== undefined) headers["Content-Type"] = "application/json";
      const response = await fetch(C.api + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      });
      const data = response.status === 204 ? null : await response.json().catch(() => null);
      if (!response.ok) {
        if (response.status === 401 && !path.startsWith("/auth/")) KZ.forget();
        throw new ApiError(response.status, data);
      }
      return data;
    },
    // Inside the DingTalk client (or the sandbox's stand-in `dd` with a person): 免登 is possible.
    inDingTalk() { return !!(window.dd && dd.env && dd.env.platform !== "notInDingTalk"); },
    authCode() {
      return new Promise((resolve, reject) => {
        dd.ready(() => dd.runtime.permission.requestAuthCode({
          corpId: C.corpId,
          onSuccess: (result) => resolve(result.code),
          onFail: (err) => reject(new Error((err && (err.errorMessage || err.message)) || "钉钉未返回授权码")),
        }));
      });
    },
    ROLES: {
      system_admin: "系统管理员", institution_admin: "法人机构管理员", centre_admin: "地方转移中心管理员",
      staff: "技转人员", official: "科技管理人员", expert: "专家", enterprise_contact: "企业联系人",
      technology_manager: "技术经理人",
    },
    // Every date and time a person reads is Beijing time, whatever zone the phone is set to.
    ZONE: "Asia/Shanghai",
    // A moment's Beijing calendar parts, as two-digit text: {year, month, day, hour, minute}.
    beijing(value) {
      const parts = {};
      for (const p of beijingFormat().formatToParts(value instanceof Date ? value : new Date(value))) parts[p.type] = p.value;
      return parts;
    },
    time(iso) {
      if (!iso) return "";
      const b = KZ.beijing(iso);
      return `${b.year}-${b.month}-${b.day} ${b.hour}:${b.minute}`;
    },
    date(iso) {
      if (!iso) return "";
      if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso; // a calendar date has no zone
      const b = KZ.beijing(iso);
      return `${b.year}-${b.month}-${b.day}`;
    },
    percent(bp) { return bp === null || bp === undefined ? "" : (bp / 100).toFixed(bp % 100 ? 2 : 0) + "%"; },
    yuan(fen) { return fen === null || fen === undefined ? "" : (fen / 100).toLocaleString("zh-CN") + " 元"; },
    // A signed link (POST …/link answers {url}): no token needed to open it. Inside DingTalk its own viewer opens
    // it (a saved blob may not open there); elsewhere it downloads, under `name` or the name the API gives.
    openLink(url, name) {
      if (window.dd && dd.biz && dd.biz.util && dd.biz.util.openLink && KZ.inDingTalk()) {
        dd.biz.util.openLink({ url: new URL(url + "?inline=1", location.href).href });
        return;
      }
      const a = document.createElement("a");
      a.href = url;
      a.download = name || "";
      document.body.appendChild(a);
      a.click();
      a.remove();
    },
    // A toast waits for Vant where the page draws its first screen without it (the workbench sets KZ.loadVant).
    toast(options) {
      (window.vant ? Promise.resolve() : KZ.loadVant())
        .then(() => vant.showToast(options), () => alert(typeof options === "string" ? options : options.message));
    },
    loadVant: () => Promise.reject(new Error("Vant is not loaded")),
    fail(err) { KZ.toast({ message: err.message || String(err), wordBreak: "break-all" }); },
  };

  // A tiny hash router: "#/demands/12?x=1" → {path: "/demands/12", parts: ["demands", "12"]}.
  KZ.route = function () {
    const hash = location.hash.replace(/^#/, "") || "/";
    const path = hash.split("?")[0];
    return { path, parts: path.split("/").filter(Boolean) };
  };

  // The first requests start as soon as this script runs, while Vue and Vant are still loading: 免登 inside
  // DingTalk (the workbench), then who I am and the page's own first data, side by side. The page awaits KZ.boot.
  // The workbench's 免登 answer carries /me and /workbench itself (`workbench: true`): one round trip less.
  KZ.start = async function (paths, dingtalk) {
    let notice = "";
    if (!KZ.token() && dingtalk && KZ.inDingTalk()) {
      try {
        const code = await KZ.authCode();
        const session = await KZ.api("/auth/dingtalk-login", { method: "POST", body: { auth_code: code, workbench: true } });
        KZ.keep(session.token);
        if (session.me) return { notice, results: [session.me, session.workbench] };
      } catch (err) {
        notice = "钉钉免登未成功：" + err.message + "。请用手机号登录。";
      }
    }
    if (!KZ.token()) return { notice, results: null };
    return { notice, results: await Promise.all(paths.map((p) => KZ.api(p).catch((err) => err))) };
  };
  KZ.boot = C.page === "workbench" ? KZ.start(["/me", "/workbench"], true) : KZ.start(["/me"], false);

  window.KZ = KZ;
})();
