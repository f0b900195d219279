// 供需荟 for experts: the mini-program's pages as mobile web over the same /api/v1. Sign-in by phone and SMS code
// (or password). Views: home, 需求大厅 (field, region and keyword filters), a demand (对接该需求 / 取消对接,
// 联系技术经纪人), 我的对接, 需求订阅, 信息维护, 技术发布, a daily digest (its template message's link) and 绑定信息
// (the mini-program's bind, where WeChat's runtime — or the sandbox's stand-in `wx` — is there).
// Codes never show: technical fields and regions are named through the public reference API.
(function () {
  "use strict";
  const { createApp, reactive } = Vue;
  const ENTRIES = [["hall", "需求大厅", "search"], ["dockings", "我的对接", "link-o"],
    ["subscriptions", "需求订阅", "bell"], ["profile", "信息维护", "contact-o"], ["technologies", "技术发布", "bulb-o"]];

  // Names of reference codes, fetched once per code (the API lets the browser cache them for an hour).
  const names = reactive({});
  function nameOf(kind, code) {
    if (!code) return "";
    const key = kind + ":" + code;
    if (!(key in names)) {
      names[key] = "";
      KZ.api("/" + kind + "/" + encodeURIComponent(code))
        .then((r) => { names[key] = kind === "regions" ? r.full_name : r.path; })
        .catch(() => { names[key] = "未知"; });
    }
    return names[key];
  }
  const fieldNames = (codes) => (codes || []).map((c) => nameOf("tech-fields", c)).filter(Boolean).join("、");
  const regionName = (code) => nameOf("regions", code);
  const go = (hash) => { location.hash = hash; };
  let moved = 0;  // views shown since the page opened: 「返回」 goes back only within the pages
  const back = (fallback) => { if (moved > 1) history.back(); else go(fallback); };
  const shared = { yuan: KZ.yuan, time: KZ.time, fieldNames, regionName, go };

  // A page of an /api/v1 list that loads more as it scrolls and refreshes when pulled.
  function pagedList(path) {
    return {
      data() { return { items: [], page: 0, loading: false, finished: false, error: false, refreshing: false }; },
      methods: {
        query() { return {}; },
        reset() { this.items = []; this.page = 0; this.finished = false; this.error = false; this.load(); },
        async refresh() { this.items = []; this.page = 0; this.finished = false; await this.load(); this.refreshing = false; },
        async load() {
          this.loading = true;
          try {
            const query = new URLSearchParams({ page: String(this.page + 1), page_size: "20", ...this.query() });
            const data = await KZ.api(path + "?" + query);
            this.items.push(...data.items);
            this.page = data.page;
            this.finished = this.items.length >= data.total || !data.items.length;
          } catch (err) { this.error = true; KZ.fail(err); } finally { this.loading = false; }
        },
        ...shared,
      },
    };
  }

  // Technical fields or regions, one level at a time: tap a row with children to go down, 「选择」 takes the level.
  const TreePick = {
    props: { kind: String, title: String, show: Boolean },
    emits: ["update:show", "pick"],
    data() { return { trail: [], items: [], loading: false }; },
    watch: { show(v) { if (v && !this.items.length) this.open(null); } },
    methods: {
      async open(node) {
        if (node) this.trail.push(node);
        this.loading = true;
        try {
          const parent = node ? "?parent=" + encodeURIComponent(node.code) : "";
          this.items = (await KZ.api("/" + this.kind + parent)).items;
        } catch (err) { KZ.fail(err); } finally { this.loading = false; }
      },
      up(i) { const node = this.trail[i - 1] || null; this.trail = this.trail.slice(0, Math.max(i - 1, 0)); this.open(node); },
      pick(node) { this.$emit("pick", node); this.$emit("update:show", false); },
      tap(node) { if (node.has_children) this.open(node); else this.pick(node); },
    },
    template: `
      <van-popup :show="show" @update:show="$emit('update:show', $event)" position="bottom" round closeable :style="{ height: '70%' }">
        <div class="kz-pick-title">{{ title }}</div>
        <div class="kz-trail">
          <a @click="up(0)">全部</a>
          <template v-for="(n, i) in trail" :key="n.code"> › <a @click="up(i + 1)">{{ n.name }}</a></template>
        </div>
        <van-cell v-if="trail.length" :title="'选择「' + trail[trail.length - 1].name + '」'" class="kz-pick-level"
          is-link @click="pick(trail[trail.length - 1])" />
        <van-loading v-if="loading" class="kz-boot" />
        <van-cell v-for="n in items" :key="n.code" :title="n.name" :is-link="n.has_children" @click="tap(n)" />
      </van-popup>`,
  };

  const Home = {
    props: ["me"],
    computed: { entries() { return ENTRIES.map(([key, label, icon]) => ({ key, label, icon })); } },
    template: `
      <div class="kz-hello"><h1>{{ me.account.name }}</h1><p>专家工作台</p></div>
      <van-grid :column-num="3" clickable>
        <van-grid-item v-for="e in entries" :key="e.key" :icon="e.icon" :text="e.label" @click="go('#/' + e.key)" />
      </van-grid>`,
    methods: shared,
  };

  const Hall = {
    mixins: [pagedList("/expert/hall")],
    components: { TreePick },
    data() { return { keyword: "", field: null, region: null, picking: "" }; },
    methods: {
      query() {
        const q = {};
        if (this.keyword) q.keyword = this.keyword;
        if (this.field) q.field = this.field.code;
        if (this.region) q.region = this.region.code;
        return q;
      },
      choose(kind, node) { this[kind] = node; this.reset(); },
    },
    template: `
      <van-nav-bar title="需求大厅" left-text="首页" left-arrow @click-left="go('#/')" />
      <van-search v-model="keyword" placeholder="搜索需求" @search="reset" @clear="keyword = ''; reset()" />
      <van-cell-group class="kz-filters">
        <van-cell title="技术领域" :value="field ? field.name : '全部'" is-link @click="picking = 'field'" data-filter="field" />
        <van-cell title="地区" :value="region ? region.name : '全部'" is-link @click="picking = 'region'" data-filter="region" />
        <van-cell v-if="field || region" title="清除筛选" class="kz-muted" @click="field = null; region = null; reset()" />
      </van-cell-group>
      <TreePick kind="tech-fields" title="技术领域" :show="picking === 'field'" @update:show="picking = ''" @pick="choose('field', $event)" />
      <TreePick kind="regions" title="地区" :show="picking === 'region'" @update:show="picking = ''" @pick="choose('region', $event)" />
      <van-pull-refresh v-model="refreshing" @refresh="refresh">
        <van-list v-model:loading="loading" :finished="finished" v-model:error="error" error-text="加载失败，点击重试"
          finished-text="没有更多了" @load="load">
          <van-cell v-for="d in items" :key="d.demand_id" :title="d.title" is-link @click="go('#/demands/' + d.demand_id)"
            :label="[d.enterprise_name, regionName(d.region_code), fieldNames(d.tech_fields), d.budget_fen ? '预算 ' + yuan(d.budget_fen) : ''].filter(Boolean).join(' · ')">
            <template #value><van-tag :type="d.docked ? 'success' : 'primary'">{{ d.docked ? "已对接" : d.status_label }}</van-tag></template>
          </van-cell>
        </van-list>
      </van-pull-refresh>`,
  };

  const Demand = {
    props: ["id"],
    data() { return { d: null, broker: null, busy: false }; },
    created() { this.load(); },
    watch: { id() { this.load(); } },
    methods: {
      async load() {
        this.broker = null;
        try { this.d = await KZ.api("/expert/demands/" + this.id); } catch (err) { KZ.fail(err); }
      },
      async dock(on) {
        if (!on) {
          try { await vant.showConfirmDialog({ title: "取消对接", message: "确定取消对接该需求？" }); } catch { return; }
        }
        this.busy = true;
        try {
          await KZ.api("/expert/demands/" + this.id + "/docking", { method: on ? "POST" : "DELETE" });
          vant.showToast(on ? "已对接，技术经纪人将与您联系" : "已取消对接");
          await this.load();
        } catch (err) { KZ.fail(err); } finally { this.busy = false; }
      },
      async contact() {
        try { this.broker = await KZ.api("/expert/demands/" + this.id + "/broker"); } catch (err) { KZ.fail(err); }
      },
      back() { back("#/hall"); },
      ...shared,
    },
    template: `
      <van-nav-bar title="需求详情" left-text="返回" left-arrow @click-left="back" />
      <div v-if="!d" class="kz-boot">正在加载…</div>
      <template v-else>
        <div class="kz-hello"><h1>{{ d.title }}</h1><p>{{ d.number }} · {{ d.status_label }}</p></div>
        <van-cell-group inset class="kz-form">
          <van-cell title="需求企业" :value="d.enterprise_name" />
          <van-cell title="所在地区" :value="regionName(d.region_code)" />
          <van-cell title="技术领域" :label="fieldNames(d.tech_fields)" />
          <van-cell v-if="d.budget_fen" title="预算" :value="yuan(d.budget_fen)" />
          <van-cell v-if="d.deadline" title="截止日期" :value="d.deadline" />
          <van-cell title="对接状态" :value="d.docking === 'docked' ? '已对接' : d.docking === 'cancelled' ? '已取消对接' : '未对接'" />
        </van-cell-group>
        <div class="kz-section">需求描述</div>
        <van-cell-group inset><van-cell><div class="kz-text">{{ d.description }}</div></van-cell></van-cell-group>
        <template v-if="d.expected_result">
          <div class="kz-section">预期成果</div>
          <van-cell-group inset><van-cell><div class="kz-text">{{ d.expected_result }}</div></van-cell></van-cell-group>
        </template>
        <van-cell-group v-if="broker" inset class="kz-form kz-broker">
          <van-cell title="技术经纪人" :value="broker.name" />
          <van-cell title="联系电话"><a :href="'tel:' + broker.mobile">{{ broker.mobile }}</a></van-cell>
        </van-cell-group>
        <div class="kz-actions">
          <template v-if="d.docking === 'docked'">
            <van-button round block type="primary" @click="contact">联系技术经纪人</van-button>
            <van-button round block plain class="kz-gap" :loading="busy" @click="dock(false)">取消对接</van-button>
          </template>
          <van-button v-else round block type="primary" :loading="busy" @click="dock(true)">对接该需求</van-button>
        </div>
      </template>`,
  };

  const Dockings = {
    mixins: [pagedList("/expert/dockings")],
    template: `
      <van-nav-bar title="我的对接" left-text="首页" left-arrow @click-left="go('#/')" />
      <van-pull-refresh v-model="refreshing" @refresh="refresh">
        <van-list v-model:loading="loading" :finished="finished" v-model:error="error" error-text="加载失败，点击重试"
          finished-text="没有更多了" @load="load">
          <van-cell v-for="d in items" :key="d.docking_id" :title="d.title" is-link @click="go('#/demands/' + d.demand_id)"
            :label="d.demand_number + ' · 对接于 ' + time(d.docked_at) + (d.cancelled_at ? ' · 取消于 ' + time(d.cancelled_at) : '')">
            <template #value><van-tag :type="d.status === 'docked' ? 'success' : 'default'">{{ d.status === "docked" ? "已对接" : "已取消" }}</van-tag></template>
          </van-cell>
        </van-list>
      </van-pull-refresh>`,
  };

  const Subscriptions = {
    components: { TreePick },
    data() { return { fields: [], max: 5, picking: false, busy: false, loaded: false }; },
    async created() {
      try { this.show(await KZ.api("/expert/subscriptions")); } catch (err) { KZ.fail(err); }
    },
    methods: {
      show(s) { this.fields = s.fields.map((f) => ({ code: f.code, name: f.path || f.name })); this.max = s.max_fields; this.loaded = true; },
      add(node) {
        if (this.fields.some((f) => f.code === node.code)) return;
        this.fields.push({ code: node.code, name: node.path || node.name });
      },
      async save() {
        this.busy = true;
        try {
          this.show(await KZ.api("/expert/subscriptions", { method: "PUT", body: { field_codes: this.fields.map((f) => f.code) } }));
          vant.showToast("订阅已保存");
        } catch (err) { KZ.fail(err); } finally { this.busy = false; }
      },
      ...shared,
    },
    template: `
      <van-nav-bar title="需求订阅" left-text="首页" left-arrow @click-left="go('#/')" />
      <van-notice-bar wrapable :scrollable="false" text="每天 16:00，订阅领域的新需求会以公众号消息推送给您。" />
      <div class="kz-section">已订阅的技术领域（最多 {{ max }} 个）</div>
      <van-cell-group inset>
        <van-cell v-for="(f, i) in fields" :key="f.code" :title="f.name" class="kz-subscribed">
          <template #right-icon><van-icon name="cross" class="kz-remove" @click="fields.splice(i, 1)" /></template>
        </van-cell>
        <van-cell v-if="loaded && !fields.length" title="尚未订阅" class="kz-muted" />
        <van-cell title="添加技术领域" icon="plus" is-link @click="picking = true" />
      </van-cell-group>
      <TreePick kind="tech-fields" title="订阅技术领域" v-model:show="picking" @pick="add" />
      <div class="kz-actions"><van-button round block type="primary" :loading="busy" @click="save">保存订阅</van-button></div>`,
  };

  const Profile = {
    components: { TreePick },
    data() { return { p: null, title: "", employer: "", introduction: "", busy: false, fields: [], picking: false }; },
    async created() {
      try { this.show(await KZ.api("/expert/profile")); } catch (err) { KZ.fail(err); }
    },
    methods: {
      show(p) {
        Object.assign(this, { p, title: p.title, employer: p.employer, introduction: p.introduction });
        this.fields = p.research_fields.map((code) => ({ code }));
      },
      add(node) { if (!this.fields.some((f) => f.code === node.code)) this.fields.push({ code: node.code }); },
      async saveFields() {
        try {
          const body = { field_codes: this.fields.map((f) => f.code) };
          this.show(await KZ.api("/expert/research-fields", { method: "PUT", body }));
          vant.showToast("研究领域已保存");
        } catch (err) { KZ.fail(err); }
      },
      async save() {
        this.busy = true;
        try {
          const body = { title: this.title, employer: this.employer, introduction: this.introduction };
          this.show(await KZ.api("/expert/profile", { method: "PUT", body }));
          vant.showToast("已保存");
        } catch (err) { KZ.fail(err); } finally { this.busy = false; }
      },
      ...shared,
    },
    template: `
      <van-nav-bar title="信息维护" left-text="首页" left-arrow @click-left="go('#/')" />
      <div v-if="!p" class="kz-boot">正在加载…</div>
      <van-form v-else class="kz-form" @submit="save">
        <van-cell-group inset>
          <van-cell title="姓名" :value="p.name" />
          <van-cell title="手机号" :value="p.mobile" />
          <van-field v-model="title" name="title" label="职称" maxlength="64" placeholder="如：教授" />
          <van-field v-model="employer" name="employer" label="工作单位" maxlength="128" required />
          <van-field v-model="introduction" name="introduction" label="个人简介" type="textarea" rows="3" maxlength="300" show-word-limit autosize />
        </van-cell-group>
        <div class="kz-actions"><van-button round block type="primary" native-type="submit" :loading="busy">保存</van-button></div>
        <div class="kz-section">研究领域（专家推送按此匹配）</div>
        <van-cell-group inset>
          <van-cell v-for="(f, i) in fields" :key="f.code" :title="fieldNames([f.code])" class="kz-research">
            <template #right-icon><van-icon name="cross" class="kz-remove" @click="fields.splice(i, 1)" /></template>
          </van-cell>
          <van-cell title="添加研究领域" icon="plus" is-link @click="picking = true" />
        </van-cell-group>
        <div class="kz-actions"><van-button round block plain type="primary" native-type="button" @click="saveFields">保存研究领域</van-button></div>
        <TreePick kind="tech-fields" title="研究领域" v-model:show="picking" @pick="add" />
        <div class="kz-section">所属机构</div>
        <van-cell-group inset><van-cell v-for="i in p.institutions" :key="i" :title="i" /><van-cell v-if="!p.institutions.length" title="暂无" class="kz-muted" /></van-cell-group>
        <div class="kz-section">研究成果</div>
        <van-cell-group inset><van-cell v-for="(w, i) in p.research_results" :key="i" :title="w.title" :label="w.summary" /><van-cell v-if="!p.research_results.length" title="暂无" class="kz-muted" /></van-cell-group>
        <div class="kz-section">技术方案</div>
        <van-cell-group inset><van-cell v-for="(w, i) in p.technical_solutions" :key="i" :title="w.title" :label="w.summary" /><van-cell v-if="!p.technical_solutions.length" title="暂无" class="kz-muted" /></van-cell-group>
      </van-form>`,
  };

  // The choices of a technology's maturity and cooperation mode are the API's: its served schema holds their
  // codes (enum) and their names (description, in the same order).
  let techChoices = null;
  function technologyChoices() {
    techChoices = techChoices || KZ.api("/openapi.json").then((spec) => {
      const body = spec.paths["/expert/technologies"].post.requestBody.content["application/json"].schema;
      const schema = body.$ref ? spec.components.schemas[body.$ref.split("/").pop()] : body;
      const of = (name) => {
        const p = schema.properties[name];
        const labels = (p.description || "").split("、");
        return p.enum.map((value, i) => ({ text: labels[i] || value, value }));
      };
      return { maturity: of("maturity"), cooperation_mode: of("cooperation_mode") };
    });
    return techChoices;
  }

  const Technologies = {
    data() { return { items: null }; },
    created() { this.load(); },
    methods: {
      async load() { try { this.items = (await KZ.api("/expert/technologies")).items; } catch (err) { KZ.fail(err); } },
      async withdraw(t) {
        try { await vant.showConfirmDialog({ title: "撤回技术", message: "撤回「" + t.title + "」？" }); } catch { return; }
        try { await KZ.api("/expert/technologies/" + t.technology_id + "/withdraw", { method: "POST" }); await this.load(); } catch (err) { KZ.fail(err); }
      },
      ...shared,
    },
    template: `
      <van-nav-bar title="技术发布" left-text="首页" left-arrow @click-left="go('#/')" right-text="发布" @click-right="go('#/technologies/new')" />
      <div v-if="!items" class="kz-boot">正在加载…</div>
      <van-empty v-else-if="!items.length" description="还没有发布技术">
        <van-button round type="primary" @click="go('#/technologies/new')">发布技术</van-button>
      </van-empty>
      <van-cell-group v-else inset class="kz-form">
        <van-cell v-for="t in items" :key="t.technology_id" :title="t.title" class="kz-technology" clickable
          @click="go('#/technologies/' + t.technology_id)"
          :label="[fieldNames(t.field_codes), t.maturity_label, t.cooperation_mode_label].filter(Boolean).join(' · ')">
          <template #value>
            <van-tag v-if="t.status !== 'published'" type="default">已撤回</van-tag>
            <van-button v-else size="mini" plain @click.stop="withdraw(t)">撤回</van-button>
          </template>
        </van-cell>
      </van-cell-group>`,
  };

  // A new technology, or (with an id) one of his own edited; saving a withdrawn one publishes it again.
  const NewTechnology = {
    components: { TreePick },
    props: ["id"],
    data() {
      return { title: "", fields: [], summary: "", maturity: null, mode: null, choices: null, picking: "", busy: false };
    },
    async created() {
      try {
        this.choices = await technologyChoices();
        if (!this.id) return;
        const t = (await KZ.api("/expert/technologies")).items.find((x) => String(x.technology_id) === this.id);
        if (!t) { vant.showToast("未找到该技术"); return; }
        Object.assign(this, { title: t.title, summary: t.summary, fields: t.field_codes.map((code) => ({ code })) });
        this.maturity = this.choices.maturity.find((c) => c.value === t.maturity) || null;
        this.mode = this.choices.cooperation_mode.find((c) => c.value === t.cooperation_mode) || null;
      } catch (err) { KZ.fail(err); }
    },
    methods: {
      add(node) { if (!this.fields.some((f) => f.code === node.code)) this.fields.push({ code: node.code }); },
      chose(kind, { selectedOptions }) { this[kind] = selectedOptions[0]; this.picking = ""; },
      async submit() {
        this.busy = true;
        try {
          const path = this.id ? "/expert/technologies/" + this.id : "/expert/technologies";
          await KZ.api(path, { method: this.id ? "PUT" : "POST", body: {
            title: this.title, field_codes: this.fields.map((f) => f.code), summary: this.summary,
            maturity: this.maturity ? this.maturity.value : "", cooperation_mode: this.mode ? this.mode.value : "",
          } });
          vant.showToast(this.id ? "已保存" : "技术已发布");
          go("#/technologies");
        } catch (err) { KZ.fail(err); } finally { this.busy = false; }
      },
      ...shared,
    },
    template: `
      <van-nav-bar :title="id ? '编辑技术' : '发布技术'" left-text="返回" left-arrow @click-left="go('#/technologies')" />
      <van-form class="kz-form" @submit="submit">
        <van-cell-group inset>
          <van-field v-model="title" name="title" label="技术名称" maxlength="100" required placeholder="请输入技术名称" />
          <van-cell title="技术领域" required is-link :value="fields.length ? '' : '请选择（最多 5 个）'" @click="picking = 'fields'" data-filter="fields" />
          <van-cell v-for="(f, i) in fields" :key="f.code" :title="fieldNames([f.code])" class="kz-subscribed">
            <template #right-icon><van-icon name="cross" class="kz-remove" @click="fields.splice(i, 1)" /></template>
          </van-cell>
          <van-field :model-value="maturity ? maturity.text : ''" name="maturity" label="成熟度" readonly is-link required placeholder="请选择" @click="picking = 'maturity'" />
          <van-field :model-value="mode ? mode.text : ''" name="cooperation_mode" label="合作方式" readonly is-link required placeholder="请选择" @click="picking = 'mode'" />
          <van-field v-model="summary" name="summary" label="技术简介" type="textarea" rows="4" maxlength="2000" show-word-limit autosize required />
        </van-cell-group>
        <div class="kz-actions"><van-button round block type="primary" native-type="submit" :loading="busy">{{ id ? "保存" : "发布" }}</van-button></div>
      </van-form>
      <TreePick kind="tech-fields" title="技术领域" :show="picking === 'fields'" @update:show="picking = ''" @pick="add" />
      <van-popup :show="picking === 'maturity' || picking === 'mode'" @update:show="picking = ''" position="bottom" round>
        <van-picker v-if="choices" :title="picking === 'mode' ? '合作方式' : '成熟度'"
          :columns="picking === 'mode' ? choices.cooperation_mode : choices.maturity"
          @confirm="chose(picking === 'mode' ? 'mode' : 'maturity', $event)" @cancel="picking = ''" />
      </van-popup>`,
  };

  const Digest = {
    props: ["id"],
    data() { return { d: null }; },
    async created() { try { this.d = await KZ.api("/expert/digests/" + this.id); } catch (err) { KZ.fail(err); } },
    methods: shared,
    template: `
      <van-nav-bar title="新需求提醒" left-text="首页" left-arrow @click-left="go('#/')" />
      <div v-if="!d" class="kz-boot">正在加载…</div>
      <template v-else>
        <div class="kz-hello"><h1>{{ d.demand_count }} 条新需求</h1><p>{{ d.business_date }} 推送 · 您订阅的技术领域</p></div>
        <van-cell-group class="kz-digest">
          <van-cell v-for="x in d.demands" :key="x.id" :title="x.title" :is-link="x.open" @click="x.open && go('#/demands/' + x.id)"
            :label="[x.number, regionName(x.region_code), fieldNames(x.tech_fields)].filter(Boolean).join(' · ')">
            <template #value><van-tag v-if="!x.open" type="default">已结束</van-tag></template>
          </van-cell>
        </van-cell-group>
      </template>`,
  };

  // 绑定信息: the mini-program's bind page (the official account's 「前往绑定信息」 link opens it). WeChat's login code
  // opens a session; while it is not bound yet, the person allows the phone-number authorization and the number
  // registered with WeChat names them (the one their institution registered). The API decides who that is; the
  // page shows its greeting or its refusal. Outside WeChat (no `wx`) it says where to bind.
  const Bind = {
    emits: ["bound"],
    data() { return { inWeChat: !!window.wx, step: "login", busy: false, greeting: "", error: "", expert: false }; },
    methods: {
      wxCall(name) {
        return new Promise((resolve, reject) => wx[name]({
          success: (r) => resolve(r.code), fail: (e) => reject(new Error((e && e.errMsg) || "微信未返回授权码")),
        }));
      },
      async step1() {
        await this.run(async () => {
          const session = await KZ.api("/auth/mini-program-login", { method: "POST", body: { code: await this.wxCall("login") } });
          KZ.keep(session.token);  // a pending session until bound; the API refuses it everywhere else
          if (session.bound) this.done(session); else this.step = "phone";
        });
      },
      async step2() {
        await this.run(async () => {
          const session = await KZ.api("/auth/mini-program-bind", { method: "POST", body: { code: await this.wxCall("getPhoneNumber") } });
          KZ.keep(session.token);
          this.done(session);
        });
      },
      async run(work) {
        this.busy = true;
        this.error = "";
        try { await work(); } catch (err) { this.error = err.message; } finally { this.busy = false; }
      },
      done(session) {
        this.greeting = session.greeting || "绑定成功。";
        this.expert = (session.roles || []).includes("expert");  // these pages are the expert's; a contact's are not here
        this.step = "bound";
        this.$emit("bound", session);
      },
      ...shared,
    },
    template: `
      <van-nav-bar title="绑定信息" />
      <template v-if="!inWeChat">
        <van-notice-bar wrapable text="请在微信中打开「科转」小程序，使用机构为您登记的手机号完成绑定。" />
        <div class="kz-actions"><van-button round block plain type="primary" @click="go('#/')">用手机号登录</van-button></div>
      </template>
      <template v-else>
        <div class="kz-hello"><h1>{{ step === "bound" ? "绑定成功" : "专家绑定" }}</h1>
          <p>使用机构为您登记的手机号完成绑定</p></div>
        <van-notice-bar v-if="error" class="kz-bind-error" color="#ee0a24" background="#fff2f0" wrapable :text="error" />
        <van-notice-bar v-if="greeting" class="kz-bind-greeting" wrapable :text="greeting" />
        <div class="kz-actions">
          <van-button v-if="step === 'login'" round block type="primary" :loading="busy" @click="step1">微信授权登录</van-button>
          <van-button v-else-if="step === 'phone'" round block type="primary" :loading="busy" @click="step2">授权手机号并绑定</van-button>
          <van-button v-else-if="expert" round block type="primary" @click="go('#/')">进入专家工作台</van-button>
        </div>
      </template>`,
  };

  const App = {
    components: { Home, Hall, Demand, Dockings, Subscriptions, Profile, Technologies, NewTechnology, Digest, Bind, SignIn: KZ.SignIn },
    data() { return { stage: "loading", me: null, route: KZ.route() }; },
    async created() {
      moved = 1;
      addEventListener("hashchange", () => { moved += 1; this.route = KZ.route(); window.scrollTo(0, 0); });
      const { results } = await KZ.boot;  // started by kz.js while the libraries loaded
      if (!results) { this.stage = "signin"; return; }
      this.show(results[0]);
    },
    computed: {
      view() {
        const [name, id] = this.route.parts;
        if (name === "demands" && id) return ["Demand", { id }];
        if (name === "digest" && id) return ["Digest", { id }];
        if (name === "technologies" && id) return ["NewTechnology", id === "new" ? {} : { id }];
        const known = { hall: "Hall", dockings: "Dockings", subscriptions: "Subscriptions", profile: "Profile", technologies: "Technologies" };
        return known[name] ? [known[name], {}] : ["Home", { me: this.me }];
      },
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
      <Bind v-else-if="route.parts[0] === 'bind'" @bound="enter" />
      <SignIn v-else-if="stage === 'signin'" first="sms" @signed-in="enter" />
      <component v-else :is="view[0]" :key="route.path" v-bind="view[1]" />`,
  };

  createApp(App).use(vant).mount("#app");
})();
