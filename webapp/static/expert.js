// 供需荟 for experts: the mini-program's pages as mobile web over the same /api/v1. Sign-in by phone and SMS code
// (or password); this first version has the home and the demand hall, the rest of the pages are named and coming.
(function () {
  "use strict";
  const { createApp } = Vue;
  const ENTRIES = [["hall", "需求大厅", "search", "#/hall"], ["dockings", "我的对接", "link-o"],
    ["subscriptions", "需求订阅", "bell"], ["profile", "信息维护", "contact-o"], ["technologies", "技术发布", "bulb-o"]];

  const Home = {
    props: ["me"],
    computed: { entries() { return ENTRIES.map(([key, label, icon, to]) => ({ key, label, icon, to })); } },
    methods: { open(e) { if (e.to) location.hash = e.to; else vant.showToast(e.label + "即将开放"); } },
    template: `
      <div class="kz-hello"><h1>{{ me.account.name }}</h1><p>专家工作台</p></div>
      <van-grid :column-num="3" clickable>
        <van-grid-item v-for="e in entries" :key="e.key" :icon="e.icon" :text="e.label" :class="{ 'kz-soon': !e.to }" @click="open(e)" />
      </van-grid>`,
  };

  const Hall = {
    data() { return { items: [], page: 0, loading: false, finished: false, error: false, keyword: "" }; },
    methods: {
      search() { this.items = []; this.page = 0; this.finished = false; this.load(); },
      async load() {
        this.loading = true;
        try {
          const query = new URLSearchParams({ page: String(this.page + 1), page_size: "20" });
          if (this.keyword) query.set("keyword", this.keyword);
          const data = await KZ.api("/expert/hall?" + query);
          this.items.push(...data.items);
          this.page = data.page;
          this.finished = this.items.length >= data.total;
        } catch (err) { this.error = true; KZ.fail(err); } finally { this.loading = false; }
      },
      yuan: KZ.yuan,
    },
    template: `
      <van-nav-bar title="需求大厅" left-text="首页" left-arrow @click-left="location.hash = '#/'" />
      <van-search v-model="keyword" placeholder="搜索需求" @search="search" />
      <van-list v-model:loading="loading" :finished="finished" v-model:error="error" finished-text="没有更多了" @load="load">
        <van-cell v-for="d in items" :key="d.demand_id" :title="d.title" :label="d.enterprise_name + (d.budget_fen ? ' · 预算 ' + yuan(d.budget_fen) : '')">
          <template #value><van-tag :type="d.docked ? 'success' : 'primary'">{{ d.docked ? "已对接" : d.status_label }}</van-tag></template>
        </van-cell>
      </van-list>`,
    setup() { return { location }; },
  };

  const App = {
    components: { Home, Hall, SignIn: KZ.SignIn },
    data() { return { stage: "loading", me: null, route: KZ.route() }; },
    async created() {
      addEventListener("hashchange", () => { this.route = KZ.route(); window.scrollTo(0, 0); });
      const { results } = await KZ.boot;  // started by kz.js while the libraries loaded
      if (!results) { this.stage = "signin"; return; }
      this.show(results[0]);
    },
    methods: {
      async enter() {
        if (!KZ.token()) { this.stage = "signin"; return; }
        this.show(await KZ.api("/me").catch((err) => err));
      },
      show(me) {
        if (!(me instanceof Error)) { this.me = me; this.stage = "ready"; return; }
        if (me.status === 401) { this.stage = "signin"; return; }
        KZ.fail(me);
      },
    },
    template: `
      <div v-if="stage === 'loading'" class="kz-boot">正在打开供需荟…</div>
      <SignIn v-else-if="stage === 'signin'" first="sms" @signed-in="enter" />
      <Hall v-else-if="route.parts[0] === 'hall'" />
      <Home v-else :me="me" />`,
  };

  createApp(App).use(vant).mount("#app");
})();
