// The sign-in forms, shared by the workbench and the experts' pages: loaded only where a page needs them (the
// workbench's 免登 usually makes them unnecessary, so its first load leaves them out).
(function () {
  "use strict";
  const KZ = window.KZ;

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
})();
