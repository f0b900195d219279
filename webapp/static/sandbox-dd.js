// Sandbox only (never served otherwise): a stand-in for DingTalk's JSAPI `dd`, wired to the sandbox DingTalk.
// The simulated phone opens the page with ?dd_user=<DingTalk userid>; without one the page is outside DingTalk.
// Each such person's session is kept apart (kz.js names its storage key after them).
// requestAuthCode asks the sandbox for a 免登 code for that person, as the DingTalk client would, and the page
// then signs in through POST /api/v1/auth/dingtalk-login exactly as it does in DingTalk.
(function () {
  "use strict";
  // Read from the URL only (it survives reloads and #/… navigation): the console shows several people's phones as
  // frames of one tab, which share sessionStorage.
  const user = new URLSearchParams(location.search).get("dd_user");

  async function code(corpId) {
    if (!corpId) throw { errorCode: "7", errorMessage: "缺少 corpId" };
    const response = await fetch("/sandbox/dingtalk/_fake/authcodes", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ userId: user }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw { errorCode: String(response.status), errorMessage: body.message || "获取授权码失败" };
    return body.code;
  }

  window.dd = {
    sandbox: true,
    sandboxUser: user,
    env: { platform: user ? "android" : "notInDingTalk" },
    // The bridge is ready at once (a microtask, so the code is asked for before Vue and Vant start executing).
    ready(callback) { Promise.resolve().then(callback); },
    error() {},
    runtime: {
      permission: {
        requestAuthCode({ corpId, onSuccess, onFail }) {
          code(corpId).then((c) => onSuccess && onSuccess({ code: c }), (e) => onFail && onFail(e));
        },
      },
    },
    // The newer unified API: dd.getAuthCode({corpId, success, fail}) answers {authCode}.
    getAuthCode({ corpId, success, fail }) {
      code(corpId).then((c) => success && success({ authCode: c, code: c }), (e) => fail && fail(e));
    },
  };
})();
