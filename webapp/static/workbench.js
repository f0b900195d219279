// 供需荟工作台: the DingTalk workbench micro-app. Home (counts and entries), demands by status, a demand's detail
// with its timeline, reviews waiting, points. Sign-in by DingTalk 免登 inside DingTalk, by phone outside it.
(function () {
  "use strict";
  const { createApp } = Vue;

  // The tabs' order; their names are the API's (GET /demand-statuses), fetched once.
  const TABS = ["pending_review", "docking", "published", "completed", "returned", "draft"];
  let statuses = null;
  const statusNames = () => (statuses = statuses || KZ.api("/demand-statuses").then(
    (r) => Object.fromEntries(r.items.map((s) => [s.value, s.label])), (err) => { statuses = null; throw err; }));
  const COUNTS = [
    ["pending_reviews", "待我审核", "#/reviews"], ["follow_ups_due", "待跟进需求", "#/demands?status=docking"],
    ["docking_demands", "对接中需求", "#/demands?status=docking"], ["points", "贡献积分", "#/points"],
  ];
  // What each role may do (seed 004 §四–§九). `to` is a page here; none yet: shown, and says it is coming.
  // Expert push and project registration act on one demand in docking: their entries open those demands.
  const ENTRIES = {
    staff: [["new-demand", "新增需求", "add-o", "#/demands/new"], ["demands", "我的需求", "orders-o", "#/demands"],
      ["points", "我的积分", "medal-o", "#/points"], ["experts", "专家推送", "friends-o", "#/demands?status=docking"],
      ["projects", "项目登记", "certificate", "#/demands?status=docking"], ["enterprises", "需求企业", "shop-o", "#/enterprises"]],
    centre_admin: [["demands", "中心需求", "orders-o", "#/demands"], ["docking-staff", "变更对接人员", "exchange", "#/docking-staff"],
      ["departures", "人员离岗", "user-o", "#/departures"]],
    institution_admin: [["reviews", "需求审核", "passed", "#/reviews"], ["demands", "机构需求", "orders-o", "#/demands"],
      ["pool", "需求池", "apps-o", "#/pool"], ["institution", "机构信息", "info-o", "#/institution"],
      ["centres", "地方转移中心", "cluster-o", "#/centres"], ["staff", "技转人员", "manager-o", "#/staff"],
      ["experts-admin", "服务专家", "friends-o", "#/experts"], ["import", "专家导入", "description", "#/expert-import"],
      ["publications", "需求公开", "share-o", "#/publications"], ["departures", "人员离岗", "user-o", "#/departures"],
      ["monitoring", "绩效监测", "chart-trending-o", "#/monitoring"],
      ["manager-review", "经理人审核", "todo-list-o", "#/technology-managers"]],  // managers.js
    official: [["demands", "区域需求", "orders-o", "#/demands"], ["ranking", "积分排名", "bar-chart-o", "#/ranking"],
      ["monitoring", "绩效监测", "chart-trending-o", "#/monitoring"]],
    system_admin: [["demands", "全部需求", "orders-o", "#/demands"], ["ranking", "积分排名", "bar-chart-o", "#/ranking"]],
    everyone: [["certification", "单位认证", "certificate", "#/certification"],  // register.js
      ["technology-manager", "技术经理人登记", "contact", "#/technology-manager"],  // managers.js
      ["institution-registration", "机构登记", "hotel-o", "#/institution-registration"]],
  };

  // A script of ours or Vant, run once; one that failed to load may be asked for again.
  const scripts = new Map();
  function script(src) {
    if (!scripts.has(src)) {
      scripts.set(src, new Promise((resolve, reject) => {
        const element = document.createElement("script");
        element.src = src;
        element.onload = resolve;
        element.onerror = () => { scripts.delete(src); reject(new Error("页面加载失败，请检查网络后重试")); };
        document.head.appendChild(element);
      }));
    }
    return scripts.get(src);
  }
  // Vant runs once the home's first screen is drawn (the shell preloads it meanwhile): the home needs only Vue, and
  // running Vant's component library first would hold the counts back by 15–40 ms (bench/pages.py). Every other
  // view, the sign-in and the working pages wait for it; the home gains pull-to-refresh when it is in.
  // A load that failed is tried again by the next view that needs it (or by the next toast).
  let vantIn = null;
  // Read by the renders: the views waiting for Vant, and the home's pull-to-refresh, appear when it is in.
  const libraries = Vue.reactive({ vant: false });
  const loadVant = () => (vantIn = vantIn || (window.vant ? Promise.resolve() : script(KZ.config.vant))
    .then(() => { app.use(vant); libraries.vant = true; }, (err) => { vantIn = null; throw err; }));
  // The sign-in forms (kz-signin.js): only where 免登 is not possible or did not work.
  const loadSignIn = () => loadVant().then(() => script(window.KZ_SIGNIN));
  // The working pages (workbench-staff.js, on the form renderer kz-form.js), loaded in order on first use.
  const loadLater = () => (window.KZ_LATER || []).reduce((done, src) => done.then(() => script(src)), loadVant());

  // The views this file has itself; any other route is a working page.
  function builtIn([first, second, third]) {
    return !first || first === "points" || first === "ranking" || (first === "reviews" && !second)
      || (first === "demands" && (!second || (second !== "new" && !third)));
  }
  // The shell's spinner (workbench.html), drawn with Vant's styles but without its code.
  const spinner = () => Vue.h("div", { class: "kz-boot van-loading van-loading--circular", "aria-busy": "true" }, [
    Vue.h("span", { class: "van-loading__spinner van-loading__spinner--circular" }, [
      Vue.h("svg", { class: "van-loading__circular", viewBox: "25 25 50 50" }, [Vue.h("circle", { cx: 50, cy: 50, r: 20, fill: "none" })]),
    ]),
  ]);
  const Loading = { render: spinner };

  const Home = {
    props: ["me", "counts"],
    emits: ["refresh"],
    data() { return { refreshing: false }; },
    computed: {
      roles() { return [...new Set(this.me.roles.map((g) => KZ.ROLES[g.role] || g.role))].join("、"); },
      shown() {
        return COUNTS.filter(([key]) => this.counts[key] !== null && this.counts[key] !== undefined)
          .map(([key, label, to]) => ({ key, label, to, value: this.counts[key],
            warn: key === "pending_reviews" ? this.counts.overdue_reviews > 0 : key === "follow_ups_due" && this.counts[key] > 0 }));
      },
      entries() {
        const seen = new Map();
        for (const grant of [...this.me.roles, { role: "everyone" }]) {
          for (const [key, label, icon, to] of ENTRIES[grant.role] || []) if (!seen.has(key)) seen.set(key, { key, label, icon, to });
        }
        return [...seen.values()];
      },
    },
    methods: {
      open(entry) { if (entry.to) location.hash = entry.to; else KZ.toast(entry.label + "即将开放"); },
      async refresh() { this.$emit("refresh"); this.refreshing = false; },
    },
    // A render function, not a template, here and in App: the first screen then never starts Vue's template
    // compiler, whose first run costs a cold page 25–35 ms of its main thread (bench/pages.py). The entries are
    // Vant's grid markup (its classes, tap feedback included) without its components: drawn before Vant is in.
    render() {
      const { h } = Vue;
      const overdue = this.counts.overdue_reviews;
      const count = (c) => h("a", { key: c.key, class: ["kz-count", { "kz-warn": c.warn }], "data-count": c.key, href: c.to }, [
        h("b", String(c.value)),
        h("span", c.key === "pending_reviews" && overdue ? `${c.label}（逾期 ${overdue}）` : c.label),
      ]);
      const entry = (e) => h("div", { key: e.key, class: ["van-grid-item", "kz-entry", { "kz-soon": !e.to }] }, [
        h("div", {
          role: "button", tabindex: 0, onClick: () => this.open(e), onKeydown: (ev) => ev.key === "Enter" && this.open(e),
          class: "van-grid-item__content van-grid-item__content--center van-grid-item__content--clickable van-hairline",
        }, [h("i", { class: `van-icon van-icon-${e.icon} van-grid-item__icon` }), h("span", { class: "van-grid-item__text" }, e.label)]),
      ]);
      const content = () => [
        h("div", { class: "kz-hello" }, [h("h1", this.me.account.name), h("p", this.roles)]),
        h("div", { class: "kz-counts", "data-testid": "counts" }, this.shown.map(count)),
        h("div", { class: "kz-section" }, "我的工作"),
        h("div", { class: "van-grid van-hairline--top" }, this.entries.map(entry)),
      ];
      if (!libraries.vant) return h("div", content());
      return h(vant.PullRefresh, { modelValue: this.refreshing, "onUpdate:modelValue": (v) => { this.refreshing = v; }, onRefresh: this.refresh }, content);
    },
  };

  const Demands = {
    props: ["status"],
    data() { return { active: this.status || "", items: [], page: 0, loading: false, finished: false, error: false, tabs: null }; },
    watch: { active() { this.items = []; this.page = 0; this.finished = false; this.load(); } },
    async created() {
      try {
        const names = await statusNames();
        this.tabs = [["", "全部"], ...TABS.map((s) => [s, names[s]])];
      } catch (err) { KZ.fail(err); }
    },
    methods: {
      async load() {
        this.loading = true;
        try {
          const query = new URLSearchParams({ page: String(this.page + 1), page_size: "20" });
          if (this.active) query.set("status", this.active);
          const data = await KZ.api("/demands?" + query);
          this.items.push(...data.items);
          this.page = data.page;
          this.finished = this.items.length >= data.total;
        } catch (err) { this.error = true; KZ.fail(err); } finally { this.loading = false; }
      },
      label(item) { return `${item.number} · ${KZ.time(item.updated_at)}`; },
    },
    template: `
      <van-nav-bar title="需求" left-text="工作台" left-arrow @click-left="location.hash = '#/'" />
      <van-tabs v-if="tabs" v-model:active="active">
        <van-tab v-for="[value, name] in tabs" :key="value" :name="value" :title="name" />
      </van-tabs>
      <van-list v-model:loading="loading" :finished="finished" v-model:error="error" finished-text="没有更多了" error-text="加载失败，点击重试" @load="load">
        <van-cell v-for="d in items" :key="d.demand_id" :title="d.title" :label="label(d)" is-link :url="'#/demands/' + d.demand_id" :data-demand="d.demand_id">
          <template #value><van-tag :type="d.status === 'docking' ? 'primary' : d.status === 'pending_review' ? 'warning' : 'default'">{{ d.status_label }}</van-tag></template>
        </van-cell>
      </van-list>
      <van-empty v-if="finished && !items.length" description="暂无需求" />`,
    setup() { return { location }; },
  };

  const Demand = {
    props: ["id"],
    data() { return { d: null, actions: null, files: null }; },
    async created() {
      // What may be done next, and the files' download, come with the working pages, loaded beside the demand.
      loadLater().then(() => {
        this.actions = Vue.markRaw(KZ.workbench.DemandActions);
        this.files = Vue.markRaw(KZ.workbench.FileList);
      }, () => {});
      try { this.d = await KZ.api("/demands/" + this.id); } catch (err) { KZ.fail(err); }
    },
    computed: {
      fields() { return this.d.tech_field_names.map((f) => f.path || f.name).join("；"); },
      steps() { return [...this.d.timeline].reverse(); },
    },
    methods: {
      stepTitle(s) {
        const moved = s.from_status !== s.to_status && s.from_status ? `（${s.from_status_label} → ${s.to_status_label}）` : "";
        return s.action_label + moved;
      },
      time: KZ.time, percent: KZ.percent, yuan: KZ.yuan,
    },
    template: `
      <van-nav-bar title="需求详情" left-text="返回" left-arrow @click-left="history.length > 1 ? history.back() : (location.hash = '#/demands')" />
      <van-loading v-if="!d" class="kz-boot" />
      <template v-else>
        <van-cell-group inset class="kz-form" :title="d.title">
          <van-cell title="需求编号" :value="d.number" />
          <van-cell title="状态"><template #value><van-tag type="primary" data-testid="status">{{ d.status_label }}</van-tag></template></van-cell>
          <van-cell title="需求企业" :value="d.enterprise_name" />
          <van-cell title="技术领域" :label="fields" />
          <van-cell title="所在地区" :value="d.region_name" />
          <van-cell v-if="d.budget_fen !== null" title="预算" :value="yuan(d.budget_fen)" />
          <van-cell title="中介服务费比例" :value="percent(d.fee_ratio_bp)" />
          <van-cell v-if="d.deadline" title="期望完成日期" :value="d.deadline" />
          <van-cell v-if="d.institution_name" title="法人机构" :value="d.institution_name" />
          <van-cell v-if="d.centre_name" title="地方转移中心" :value="d.centre_name" />
          <van-cell v-if="d.staff_name" title="对接技转人员" :value="d.staff_name" />
        </van-cell-group>
        <van-cell-group inset class="kz-form" title="需求描述"><van-cell><div class="kz-text">{{ d.description }}</div></van-cell></van-cell-group>
        <van-cell-group inset class="kz-form" title="预期成果"><van-cell><div class="kz-text">{{ d.expected_result }}</div></van-cell></van-cell-group>
        <van-cell-group v-if="d.enterprise_contacts.length" inset class="kz-form" title="需求提出方联系人">
          <van-cell v-for="c in d.enterprise_contacts" :key="c.phone" :title="c.name + (c.position ? ' · ' + c.position : '')" :value="c.phone" :url="'tel:' + c.phone" />
        </van-cell-group>
        <component :is="files" v-if="files" :demand-id="d.demand_id" :files="d.attachments" title="附件" />
        <van-cell-group v-else-if="d.attachments.length" inset class="kz-form" title="附件">
          <van-cell v-for="f in d.attachments" :key="f.id" :title="f.name" icon="description" />
        </van-cell-group>
        <component :is="actions" v-if="actions" :d="d" @changed="d = $event" />
        <div class="kz-section">需求进展</div>
        <van-steps direction="vertical" :active="0" data-testid="timeline">
          <van-step v-for="(s, i) in steps" :key="i">
            <div>{{ stepTitle(s) }}</div>
            <div class="kz-muted">{{ s.actor_name }} · {{ time(s.at) }}</div>
            <div v-if="s.note" class="kz-text">{{ s.note }}</div>
          </van-step>
        </van-steps>
      </template>`,
    setup() { return { history, location }; },
  };

  const Reviews = {
    data() { return { r: null }; },
    async created() { try { this.r = await KZ.api("/reviews/mine"); } catch (err) { KZ.fail(err); } },
    methods: {
      // A review opens its own page: the subject as submitted and the decision buttons (a demand's here; another
      // subject's, such as a unit certification, on the page its link names).
      target(item) {
        const hash = (item.link || "").split("#")[1] || "";
        return hash && !hash.startsWith("/demands/") ? "#" + hash : "#/reviews/" + item.review_id;
      },
    },
    template: `
      <van-nav-bar title="待我审核" left-text="工作台" left-arrow @click-left="location.hash = '#/'" />
      <van-loading v-if="!r" class="kz-boot" />
      <template v-else>
        <van-cell v-for="item in r.items" :key="item.review_id" :data-review="item.review_id" :title="item.title" :label="item.chain_name + ' · ' + item.stage_name + (item.due_text ? ' · ' + item.due_text : '')" :url="target(item)" is-link />
        <van-empty v-if="!r.items.length" description="没有待审核的事项" />
      </template>`,
    setup() { return { location }; },
  };

  const Points = {
    data() { return { p: null }; },
    async created() { try { this.p = await KZ.api("/points/me?page_size=50"); } catch (err) { KZ.fail(err); } },
    methods: { time: KZ.time },
    template: `
      <van-nav-bar title="我的积分" left-text="工作台" left-arrow @click-left="location.hash = '#/'" />
      <van-loading v-if="!p" class="kz-boot" />
      <template v-else>
        <div class="kz-hello"><h1>{{ p.total_points }} 分</h1><p>提交需求通过审核得2分，推送专家得1分，促成合作得5分</p></div>
        <van-cell v-for="e in p.entries" :key="e.entry_id" :title="e.explanation" :label="time(e.occurred_at)" :value="(e.points > 0 ? '+' : '') + e.points" />
        <van-empty v-if="!p.entries.length" description="暂无积分记录" />
      </template>`,
    setup() { return { location }; },
  };

  const Ranking = {
    data() { return { r: null }; },
    async created() { try { this.r = await KZ.api("/points/ranking?page_size=50"); } catch (err) { KZ.fail(err); } },
    template: `
      <van-nav-bar title="积分排名" left-text="工作台" left-arrow @click-left="location.hash = '#/'" />
      <van-loading v-if="!r" class="kz-boot" />
      <template v-else>
        <van-cell v-for="(t, i) in r.items" :key="i" :title="t.rank + '. ' + t.name" :value="t.points + ' 分'" />
        <van-empty v-if="!r.items.length" description="暂无积分" />
      </template>`,
    setup() { return { location }; },
  };

  // The views this file has, by the names `view` gives them (a working page's view is its component itself).
  const VIEWS = { Home, Demands, Demand, Reviews, Points, Ranking, Loading };
  const App = {
    data() {
      return { stage: "loading", notice: "", me: null, counts: null, route: KZ.route(), working: false, signIn: false };
    },
    watch: {
      stage(stage) {
        if ((stage === "signin" || stage === "password") && !this.signIn) loadSignIn().then(() => { this.signIn = true; }, KZ.fail);
      },
      route: {
        immediate: true,
        handler(route) {
          if (!this.working && !builtIn(route.parts)) loadLater().then(() => { this.working = true; }, KZ.fail);
          // Only the home is drawn without Vant: another view asks for it at once (again, if a load failed).
          else if (route.parts[0] && !libraries.vant) loadVant().catch(KZ.fail);
        },
      },
    },
    async created() {
      addEventListener("hashchange", () => { this.route = KZ.route(); window.scrollTo(0, 0); });
      // Vant once the first screen is drawn, or after 300 ms of a slow sign-in (the main thread idles meanwhile).
      const early = setTimeout(() => loadVant().catch(() => {}), 300);
      try {
        const { notice, results } = await KZ.boot;  // started by kz.js while the libraries loaded
        this.notice = notice;
        if (!results) { this.stage = "signin"; return; }
        try { this.show(...results); } catch (err) { this.failed(err); }
      } finally {
        clearTimeout(early);
        this.$nextTick(() => loadVant().catch(KZ.fail));
      }
    },
    computed: {
      view() {
        const [first, second] = this.route.parts;
        const query = new URLSearchParams(location.hash.split("?")[1] || "");
        if (!builtIn(this.route.parts)) {
          if (!this.working) return { is: "Loading", props: {} };
          const working = KZ.workbench.route(this.route.parts, query);
          if (working) return { is: KZ.workbench.components[working.is], props: { ...working.props, key: location.hash } };
        }
        if (first === "demands" && second) return { is: "Demand", props: { id: second, key: second } };
        if (first === "demands") return { is: "Demands", props: { status: query.get("status") || "", key: location.hash } };
        if (first === "reviews") return { is: "Reviews", props: {} };
        if (first === "points") return { is: "Points", props: {} };
        if (first === "ranking") return { is: "Ranking", props: {} };
        return { is: "Home", props: { me: this.me, counts: this.counts, onRefresh: this.load } };
      },
    },
    methods: {
      async enter() {
        if (!KZ.token()) { this.stage = "signin"; return; }
        try { await this.load(); } catch (err) { this.failed(err); }
      },
      failed(err) {
        if (err.status === 401) { this.stage = "signin"; return; }
        if (err.code === "password_change_required") { this.stage = "password"; return; }
        KZ.fail(err);
      },
      // The home in two requests, side by side: who I am (roles → entries) and my counts.
      async load() {
        this.show(...(await Promise.all([KZ.api("/me").catch((err) => err), KZ.api("/workbench").catch((err) => err)])));
      },
      show(me, counts) {
        if (me instanceof Error) throw me;
        this.me = me;
        KZ.me = me; // the working pages read the caller's roles (which buttons to offer; the API still decides)
        if (me.must_change_password) { this.stage = "password"; return; }
        if (counts instanceof Error) throw counts;
        this.counts = counts;
        this.stage = "ready";
      },
      async signedIn(session) {
        if (session.must_change_password) { this.stage = "password"; return; }
        this.stage = "loading";
        await this.enter();
      },
    },
    render() {
      const { h } = Vue;
      // Before Vant is in, only the home can be drawn.
      const home = this.stage === "ready" && this.view.is === "Home";
      if (this.stage === "loading" || (!libraries.vant && !home)) return spinner();
      if (home) return h(Home, this.view.props);
      if ((this.stage === "signin" || this.stage === "password") && !this.signIn) return spinner();
      if (this.stage === "signin") return h(KZ.SignIn, { kind: "micro_app", notice: this.notice, register: true, onSignedIn: this.signedIn });
      if (this.stage === "password") return h(KZ.ChangePassword, { onChanged: this.enter });
      const { is, props } = this.view;
      return h(typeof is === "string" ? VIEWS[is] : is, props);
    },
  };

  const app = createApp(App);
  KZ.loadVant = loadVant;
  app.mount("#app");
})();
