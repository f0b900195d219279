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
    fail(err) { vant.showToast({ message: err.message || String(err), wordBreak: "break-all" }); },
  };

  // Phone and password, or phone and SMS code: the sign-in outside DingTalk (and inside, if 免登 fails). With
  // `register`, a newcomer registers by phone and code too (a number that has an account is signed into it).
  KZ.SignIn = {
    props: {
      kind: { type: String, default: "web" }, notice: { type: String, default: "" }, first: { type: String, default: "password" },
      register: { type: Boolean, default: false },
    },
    emits: ["signed-in"],
    data() { return { tab: this.first, mobile: "", password: "", code: "", name: "", wait: 0, busy: false }; },
    methods: {
      async sendCode() {
        const purpose = this.tab === "register" ? "register" : "login";
        try {
          await KZ.api("/auth/sms-codes", { method: "POST", body: { mobile: this.mobile, purpose } });
          vant.showToast("验证码已发送");
          this.wait = 60;
          const tick = setInterval(() => { if (--this.wait <= 0) clearInterval(tick); }, 1000);
        } catch (err) { KZ.fail(err); }
      },
      async submit() {
        this.busy = true;
        try {
          const session = this.tab === "password"
            ? await KZ.api("/auth/password-login", { method: "POST", body: { mobile: this.mobile, password: this.password, kind: this.kind } })
            : this.tab === "register"
              ? await KZ.api("/auth/register", { method: "POST", body: { mobile: this.mobile, code: this.code, name: this.name, kind: this.kind } })
              : await KZ.api("/auth/sms-login", { method: "POST", body: { mobile: this.mobile, code: this.code, kind: this.kind } });
          KZ.keep(session.token);
          this.$emit("signed-in", session);
        } catch (err) { KZ.fail(err); } finally { this.busy = false; }
      },
    },
    template: `
      <van-nav-bar title="登录" />
      <van-notice-bar v-if="notice" :text="notice" wrapable />
      <van-tabs v-model:active="tab">
        <van-tab title="密码登录" name="password" />
        <van-tab title="验证码登录" name="sms" />
        <van-tab v-if="register" title="新用户注册" name="register" />
      </van-tabs>
      <van-form class="kz-form" @submit="submit">
        <van-cell-group inset>
          <van-field v-if="tab === 'register'" v-model="name" name="name" label="姓名" placeholder="请输入姓名" maxlength="64" required />
          <van-field v-model="mobile" name="mobile" label="手机号" type="tel" placeholder="请输入手机号" maxlength="11" required />
          <van-field v-if="tab === 'password'" v-model="password" name="password" label="密码" type="password" placeholder="请输入密码" required />
          <van-field v-else v-model="code" name="code" label="验证码" type="digit" placeholder="请输入验证码" maxlength="6" required>
            <template #button>
              <van-button size="small" type="primary" plain native-type="button" :disabled="wait > 0" @click="sendCode">
                {{ wait > 0 ? wait + "秒后重发" : "获取验证码" }}
              </van-button>
            </template>
          </van-field>
        </van-cell-group>
        <div class="kz-actions"><van-button round block type="primary" native-type="submit" :loading="busy">{{ tab === "register" ? "注册并登录" : "登录" }}</van-button></div>
      </van-form>`,
  };

  // An admin-set password must be changed before anything else works (the API refuses until then).
  KZ.ChangePassword = {
    emits: ["changed"],
    data() { return { old: "", fresh: "", again: "", busy: false }; },
    methods: {
      async submit() {
        if (this.fresh !== this.again) { vant.showToast("两次输入的新密码不一致"); return; }
        this.busy = true;
        try {
          await KZ.api("/auth/password", { method: "POST", body: { old_password: this.old, new_password: this.fresh } });
          vant.showToast("密码已修改");
          this.$emit("changed");
        } catch (err) { KZ.fail(err); } finally { this.busy = false; }
      },
    },
    template: `
      <van-nav-bar title="修改初始密码" />
      <van-notice-bar text="首次登录请先修改管理员设置的初始密码" wrapable />
      <van-form class="kz-form" @submit="submit">
        <van-cell-group inset>
          <van-field v-model="old" name="old_password" label="原密码" type="password" required />
          <van-field v-model="fresh" name="new_password" label="新密码" type="password" required />
          <van-field v-model="again" name="again" label="确认新密码" type="password" required />
        </van-cell-group>
        <div class="kz-actions"><van-button round block type="primary" native-type="submit" :loading="busy">确定</van-button></div>
      </van-form>`,
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
