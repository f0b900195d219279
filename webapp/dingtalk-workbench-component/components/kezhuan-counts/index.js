// 科转工作台 counts on the DingTalk workbench: the signed-in person's reviews waiting, follow-ups due and points,
// from GET <apiBase>/workbench/component. Signed in as the pages are: a DingTalk 免登 code (dd.getAuthCode)
// exchanged at POST <apiBase>/auth/dingtalk-login for a session token, kept in storage and renewed when refused.
// The service decides what is shown (items that do not apply to the person are left out); this only draws it.

const TOKEN_KEY = "kezhuan.workbench.token";

function request(options) {
  return new Promise((resolve, reject) => {
    dd.httpRequest({
      url: options.url,
      method: options.method || "GET",
      headers: Object.assign({ "Content-Type": "application/json" }, options.headers || {}),
      data: options.body ? JSON.stringify(options.body) : undefined,
      dataType: "json",
      success: (res) => resolve({ status: res.status, data: res.data }),
      fail: (err) => (err && err.status ? resolve({ status: err.status, data: err.data }) : reject(err)),
    });
  });
}

function authCode(corpId) {
  return new Promise((resolve, reject) => {
    dd.getAuthCode({ corpId, success: (res) => resolve(res.authCode), fail: reject });
  });
}

function errorMessage(data) {
  return (data && data.error && data.error.message) || "暂时无法获取数据";
}

Component({
  props: {
    componentName: "",
    // Set in the workbench designer: the service's API root (https://…/api/v1) and the organisation's corpId.
    componentProps: { apiBase: "", corpId: "" },
  },
  data: { state: "loading", title: "科转工作台", items: [], url: "", message: "" },

  didMount() {
    if (typeof getLifecycleSdk === "function") {
      getLifecycleSdk().didMount(this.props.componentName); // tells the workbench the component is up
    }
    this.load();
  },

  methods: {
    config() {
      const props = this.props.componentProps || {};
      return { apiBase: String(props.apiBase || "").replace(/\/$/, ""), corpId: props.corpId || "" };
    },

    async signIn() {
      const { apiBase, corpId } = this.config();
      const code = await authCode(corpId);
      const res = await request({ url: apiBase + "/auth/dingtalk-login", method: "POST", body: { auth_code: code } });
      if (res.status !== 200 || !res.data || !res.data.token) throw new Error(errorMessage(res.data));
      dd.setStorageSync({ key: TOKEN_KEY, data: res.data.token });
      return res.data.token;
    },

    async counts(token) {
      const { apiBase } = this.config();
      return request({ url: apiBase + "/workbench/component", headers: { Authorization: "Bearer " + token } });
    },

    async load() {
      try {
        if (!this.config().apiBase) throw new Error("组件未配置服务地址");
        let token = (dd.getStorageSync({ key: TOKEN_KEY }) || {}).data;
        let res = token ? await this.counts(token) : { status: 401 };
        if (res.status === 401) {
          token = await this.signIn(); // none yet, expired or signed out: 免登 again, once
          res = await this.counts(token);
        }
        if (res.status !== 200) throw new Error(errorMessage(res.data));
        const body = res.data;
        this.setData({ state: "ready", title: body.title, items: body.items, url: body.url, message: "" });
      } catch (err) {
        this.setData({ state: "error", message: (err && err.message) || "暂时无法获取数据" });
      }
    },

    retry() {
      this.setData({ state: "loading" });
      this.load();
    },

    open(e) {
      const url = e.currentTarget.dataset.url;
      if (url) dd.openLink({ url }); // the workbench micro-app's page, where the work is
    },
  },
});
