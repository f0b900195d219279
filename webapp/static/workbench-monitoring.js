// 供需荟工作台: 绩效监测 (seed 004 §八) for officials and institution admins. A period of local days, the monitors
// (技转机构 / 地域 / 技转人员 / 区域总览) as tables, a figure tapped opens the rows behind it, and the Excel file.
// Loaded after workbench-staff.js (window.KZ_LATER): it adds its views to KZ.workbench. The API decides who sees what.
(function () {
  "use strict";
  const VIEWS = [["institutions", "技转机构"], ["centres", "地域"], ["staff", "技转人员"], ["overview", "区域总览"]];
  const KINDS = { demand: "需求", project: "项目", follow_up: "跟进记录", point_entry: "积分明细", review: "审核", staff_member: "技转人员", expert: "专家", centre: "地方转移中心" };
  // Days are Beijing's whatever the phone's zone: "today" is read in Asia/Shanghai (en-CA writes YYYY-MM-DD).
  const beijingDay = (d) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(d);
  const grants = () => ((KZ.me && KZ.me.roles) || []).map((g) => g.role);
  // The views a person's roles monitor: the overview is the bureaus'.
  const viewsFor = () => {
    const roles = grants();
    return VIEWS.filter(([v]) => v !== "overview" || roles.includes("official") || roles.includes("system_admin"));
  };
  const periodOf = (query) => {
    const today = beijingDay(new Date());
    return { from: query.get("from") || today.slice(0, 8) + "01", to: query.get("to") || today };
  };
  const hashFor = (view, p) => `#/monitoring?view=${view}&from=${p.from}&to=${p.to}`;

  const Monitoring = {
    props: ["view", "from", "to"],
    data() { return { m: null, draft: { from: this.from, to: this.to }, busy: false, views: viewsFor(), chart: null, chartBy: "points" }; },
    unmounted() { if (this.chart) URL.revokeObjectURL(this.chart); },
    async created() { await this.load(); },
    methods: {
      async load() {
        this.m = null;
        try {
          this.m = await KZ.api(`/monitoring/${this.view}?from=${this.from}&to=${this.to}`);
        } catch (err) { this.m = { rows: [], columns: [], indicators: [], failed: err.message }; KZ.fail(err); }
        if (this.m.rows.length) await this.draw(this.chartBy);
      },
      // The ranking chart, drawn by the server (SVG); fetched with the session's token, shown from a blob. A server
      // that cannot draw (no CJK font) leaves the table alone.
      async draw(by) {
        this.chartBy = by;
        try {
          const response = await fetch(`${KZ.config.api}/monitoring/${this.view}/chart?from=${this.from}&to=${this.to}&measure=${by}`, {
            headers: { Authorization: "Bearer " + KZ.token() },
          });
          if (!response.ok) throw new Error(String(response.status));
          if (this.chart) URL.revokeObjectURL(this.chart);
          this.chart = URL.createObjectURL(await response.blob());
        } catch (err) { this.chart = null; }
      },
      apply() { location.hash = hashFor(this.view, this.draft); },
      tab(name) { location.hash = hashFor(name, { from: this.from, to: this.to }); },
      drill(row, key) {
        location.hash = `#/monitoring/${this.view}/${row.unit_id}/${key}?from=${this.from}&to=${this.to}&name=${encodeURIComponent(row.name)}`;
      },
      // The file needs the session's token, so it is fetched and handed to the browser as a blob.
      async download() {
        this.busy = true;
        try {
          const response = await fetch(`${KZ.config.api}/monitoring/${this.view}?from=${this.from}&to=${this.to}&format=xlsx`, {
            headers: { Authorization: "Bearer " + KZ.token() },
          });
          if (!response.ok) throw new KZ.ApiError(response.status, await response.json().catch(() => null));
          const link = document.createElement("a");
          link.href = URL.createObjectURL(await response.blob());
          link.download = `${this.m.title}_${this.from}_${this.to}.xlsx`;
          link.click();
          URL.revokeObjectURL(link.href);
        } catch (err) { KZ.fail(err); } finally { this.busy = false; }
      },
    },
    template: `
      <van-nav-bar title="绩效监测" left-text="工作台" left-arrow @click-left="location.hash = '#/'" />
      <van-tabs :active="view" @click-tab="tab($event.name)" shrink data-testid="monitor-tabs">
        <van-tab v-for="[name, label] in views" :key="name" :name="name" :title="label" />
      </van-tabs>
      <van-cell-group inset class="kz-form" data-testid="period">
        <van-field v-model="draft.from" name="from" label="开始日期" type="date" />
        <van-field v-model="draft.to" name="to" label="结束日期" type="date" />
      </van-cell-group>
      <div class="kz-buttons">
        <van-button size="small" type="primary" data-action="apply" @click="apply">查询</van-button>
        <van-button size="small" plain :loading="busy" :disabled="!m || !m.rows.length" data-action="export" @click="download">导出Excel</van-button>
      </div>
      <van-loading v-if="!m" class="kz-boot" />
      <template v-else>
        <div class="kz-section">{{ m.title }}（{{ m.start }} 至 {{ m.end }}）</div>
        <van-empty v-if="!m.rows.length" :description="m.failed || '暂无监测对象'" />
        <div v-if="chart" class="kz-chart" data-testid="chart">
          <van-tabs v-if="m.indicators.length" :active="chartBy" @click-tab="draw($event.name)" shrink>
            <van-tab name="points" title="积分排名" /><van-tab name="score" title="综合得分" />
          </van-tabs>
          <img :src="chart" :alt="m.title + '排名图'" />
        </div>
        <div class="kz-monitor" data-testid="monitor">
          <table v-if="m.rows.length">
            <thead><tr><th>名称</th><th v-for="c in m.columns" :key="c.key">{{ c.label }}</th>
              <th v-for="i in m.indicators" :key="'i-' + i.key" :data-indicator="i.key">{{ i.name }}得分</th>
              <th v-if="m.indicators.length" data-indicator="total">综合得分</th></tr></thead>
            <tbody>
              <tr v-for="r in m.rows" :key="r.unit_id" :data-unit="r.unit_id" :class="'kz-level-' + (r.level || 'unit')">
                <th>{{ r.name }}<small v-if="r.parent">{{ r.parent }}</small></th>
                <td v-for="c in m.columns" :key="c.key"><a :data-measure="c.key" @click="drill(r, c.key)">{{ r.figures[c.key] }}</a></td>
                <td v-for="i in m.indicators" :key="'i-' + i.key" :data-score="i.key">{{ r.scores[i.key] }}</td>
                <td v-if="m.indicators.length" data-score="total"><b>{{ r.scores.total }}</b></td>
              </tr>
            </tbody>
          </table>
        </div>
        <div v-if="m.indicators.length" class="kz-note" data-testid="indicators">
          评分指标：<span v-for="i in m.indicators" :key="i.key">{{ i.name }}（第{{ i.version }}版，{{ i.readable }}{{ i.per_100_staff ? "，每百名技转人员" : "" }}，权重{{ i.weight }}）</span>
          ；得分 = 指标值 ÷ 本表最高值 × 权重
        </div>
      </template>`,
    setup() { return { location }; },
  };

  const MonitorRows = {
    props: ["view", "unit", "measure", "from", "to", "name"],
    data() { return { items: [], total: null, page: 0, loading: false, finished: false }; },
    methods: {
      time: KZ.time,
      async more() {
        this.loading = true;
        try {
          const data = await KZ.api(`/monitoring/${this.view}/${this.unit}/${this.measure}?from=${this.from}&to=${this.to}&page=${this.page + 1}&page_size=20`);
          this.page += 1;
          this.items.push(...data.items);
          this.total = data.total;
          this.finished = this.items.length >= data.total;
        } catch (err) { this.finished = true; KZ.fail(err); } finally { this.loading = false; }
      },
      open(row) { if (row.kind === "demand") location.hash = "#/demands/" + row.id; },
      label(row) { return (row.code ? row.code + " " : "") + row.title; },
    },
    template: `
      <van-nav-bar :title="name || '明细'" left-text="返回" left-arrow @click-left="history.back()" />
      <div class="kz-section" data-testid="rows-total">{{ from }} 至 {{ to }}：共 {{ total === null ? '…' : total }} 条</div>
      <van-list :loading="loading" :finished="finished" finished-text="没有更多了" @load="more" data-testid="monitor-rows">
        <van-cell v-for="r in items" :key="r.kind + r.id" :title="label(r)" :label="kinds[r.kind] + ' · ' + time(r.at)"
          :value="measure === 'review_hours' ? r.value + ' 小时' : r.value === 1 ? '' : String(r.value)" :is-link="r.kind === 'demand'" @click="open(r)" />
      </van-list>`,
    setup() { return { history, kinds: KINDS }; },
  };

  // Added to the working pages' views (as workbench-admin.js does), whatever order the scripts came in.
  function route(parts, query) {
    const [, view, unit, measure] = parts;
    const period = periodOf(query);
    if (view && unit && measure) return { is: "MonitorRows", props: { view, unit, measure, ...period, name: query.get("name") || "" } };
    const wanted = query.get("view") || view || viewsFor()[0][0];
    return { is: "Monitoring", props: { view: wanted, ...period } };
  }
  const theirs = KZ.workbench.route;
  Object.assign(KZ.workbench.components, { Monitoring, MonitorRows });
  KZ.workbench.route = (parts, query) => (parts[0] === "monitoring" ? route(parts, query) : theirs(parts, query));
})();
