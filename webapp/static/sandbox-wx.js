// Sandbox only (never served otherwise): a stand-in for the mini-program runtime's `wx`, wired to the sandbox
// WeChat. The console's WeChat phones open the experts' pages with ?wx_user=<person>; without one there is no `wx`
// (a plain browser). It offers what our bind page uses: wx.login (a one-shot login code for this person's WeChat)
// and wx.getPhoneNumber (the code the phone-number authorization button hands the page once the person allows it),
// each asked of the sandbox WeChat as the WeChat client would; the page then binds through the same
// POST /api/v1/auth/mini-program-login and /auth/mini-program-bind as the mini-program.
(function () {
  "use strict";
  const user = new URLSearchParams(location.search).get("wx_user");
  if (!user) return;

  async function code(kind) {
    const response = await fetch("/sandbox/wechat/console/" + kind, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ person_id: user }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw { errMsg: (body.error && body.error.message) || body.message || "获取授权码失败" };
    return body.code;
  }

  window.wx = {
    sandbox: true,
    sandboxUser: user,
    login({ success, fail }) { code("login-code").then((c) => success && success({ code: c }), (e) => fail && fail(e)); },
    getPhoneNumber({ success, fail }) { code("phone-code").then((c) => success && success({ code: c }), (e) => fail && fail(e)); },
  };
})();
