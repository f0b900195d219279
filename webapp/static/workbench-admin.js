// 供需荟工作台: the institution admin's settings pages (seed 004 §四, §六): 机构信息 and its minimum fee ratio,
// 地方转移中心, 技转人员 with their DingTalk invitations, 服务专家, and 专家导入 by Excel with its report (the import
// page is KZ.importPage, which managers.js uses for its 批量导入 too). Loaded after
// workbench-staff.js (window.KZ_LATER) and added to its routes. Forms are the served ones (kz-form.js); the API
// decides everything and its Chinese messages are shown as sent.
(function () {
  "use strict";
  const { reactive } = Vue;
  const back = (to) => () => (history.length > 1 ? history.back() : (location.hash = to));
  const nav = (title, to) => `<van-nav-bar title="${title}" left-text="返回" left-arrow @click-left="back('${to}')" />`;
  const go = (hash) => { location.hash = hash; };
  const KzForm = KZ.Form;

  // The caller's institution: their institution-admin grant's, else the first the API lets them see.
  async function institutionId() {
    const grant = ((KZ.me && KZ.me.roles) || []).find((g) => g.role === "institution_admin" && g.institution_id);
    if (grant) return grant.institution_id;
    const data = await KZ.api("/institutions?page_size=1");
    return data.items.length ? data.items[0].institution_id : null;
  }

  // Region names, fetched once per code: a page shows 浙江省杭州市西湖区, never 330106.
  const names = reactive({});
  function regionName(code) {
    if (!code) return "";
    if (!(code in names)) {
      names[code] = "";
      KZ.api("/regions/" + encodeURIComponent(code)).then((r) => { names[code] = r.full_name; }, () => { names[code] = "未知地区"; });
    }
    return names[code];
  }
  async function region(code) {
    const r = await KZ.api("/regions/" + encodeURIComponent(code));
    names[code] = r.full_name;
    return { value: code, text: r.full_name };
  }
  // A served form's choice label by its value (the declaration names them; the page does not).
  const labelOf = (form, field, value) => {
    const f = form && form.fields.find((x) => x.name === field);
    const c = f && (f.choices || []).find((x) => x.value === value);
    return c ? c.label : "";
  };

  // A file the API sends (the template, an import's error file): a short-lived signed link asked for with the
  // session (`<path>/link`), opened by DingTalk's viewer inside DingTalk, downloaded under the API's name elsewhere.
  async function download(path) {
    const api = KZ.config.api;
    const link = await KZ.api((path.startsWith(api + "/") ? path.slice(api.length) : path) + "/link", { method: "POST" });
    KZ.openLink(link.url);
  }

  // A list that loads more as it scrolls: `path` (ending in ? or &) answers {items, total, page}.
  function paged(path) {
    return {
      data() { return { items: [], page: 0, loading: false, finished: false, error: false }; },
      methods: {
        async load() {
          this.loading = true;
          try {
            const data = await KZ.api(`${path}page=${this.page + 1}&page_size=20`);
            this.items.push(...data.items);
            this.page = data.page;
            this.finished = this.items.length >= data.total || !data.items.length;
          } catch (err) { this.error = true; KZ.fail(err); } finally { this.loading = false; }
        },
      },
    };
  }

  // 机构信息: what the institution is, and its minimum intermediary-fee ratio.
  const Institution = {
    data() { return { i: null, form: null }; },
    async created() {
      try {
        const id = await institutionId();
        if (!id) { vant.showToast("没有可查看的法人机构"); return; }
        [this.i, this.form] = await Promise.all([KZ.api("/institutions/" + id), KZ.api("/forms/institution_edit")]);
      } catch (err) { KZ.fail(err); }
    },
    computed: {
      services() { return this.i.service_types.map((s) => labelOf(this.form, "service_types", s)).filter(Boolean).join("、"); },
    },
    methods: { percent: KZ.percent, regionName, labelOf },
    template: nav("机构信息", "#/") + `
      <van-loading v-if="!i" class="kz-boot" />
      <template v-else>
        <van-cell-group inset class="kz-form" :title="i.name" data-testid="institution">
          <van-cell title="统一社会信用代码" :value="i.credit_code" />
          <van-cell title="机构类型" :value="labelOf(form, 'type', i.type)" />
          <van-cell title="所在地区" :value="regionName(i.region_code)" />
          <van-cell title="服务类型" :label="services || '未填写'" />
          <van-cell title="最低中介服务费比例" data-testid="min-fee"><template #value><b>{{ percent(i.min_fee_ratio_bp) }}</b></template></van-cell>
          <van-cell title="机构负责人" :value="i.head || '未填写'" />
          <van-cell title="管理员" :value="i.admin_name" :label="i.admin_mobile" />
          <van-cell title="地方转移中心" :value="i.centres + ' 个'" is-link url="#/centres" />
          <van-cell title="技转人员" :value="i.staff + ' 人'" is-link url="#/staff" />
        </van-cell-group>
        <van-cell-group inset class="kz-form" title="简介"><van-cell><div class="kz-text">{{ i.introduction || '未填写' }}</div></van-cell></van-cell-group>
        <div class="kz-actions"><van-button round block type="primary" icon="edit" data-testid="edit-institution" @click="go('#/institution/edit')">编辑机构信息</van-button></div>
      </template>`,
    setup() { return { back, go }; },
  };

  // Editing it on the served form `institution_edit`, filled with what is kept (the ratio typed in %).
  const InstitutionEdit = {
    components: { KzForm },
    data() { return { id: null, initial: null }; },
    async created() {
      try {
        this.id = await institutionId();
        const i = await KZ.api("/institutions/" + this.id);
        this.initial = {
          type: i.type, service_types: [...i.service_types], introduction: i.introduction, head: i.head || "",
          min_fee_ratio_bp: i.min_fee_ratio_bp === null ? "" : String(i.min_fee_ratio_bp / 100),
        };
      } catch (err) { KZ.fail(err); }
    },
    methods: { done() { location.replace("#/institution"); } },
    template: nav("编辑机构信息", "#/institution") + `
      <van-loading v-if="!initial" class="kz-boot" />
      <KzForm v-else name="institution_edit" :params="{ institution_id: id }" :initial="initial" submit-text="保存" @done="done" />`,
    setup() { return { back }; },
  };

  // 地方转移中心: the institution's centres, each with its region and admins.
  const Centres = {
    mixins: [paged("/centres?")],
    template: nav("地方转移中心", "#/") + `
      <div class="kz-buttons"><van-button size="small" type="primary" icon="plus" data-testid="new-centre" @click="go('#/centres/new')">新增地方转移中心</van-button></div>
      <van-list v-model:loading="loading" :finished="finished" v-model:error="error" finished-text="没有更多了" error-text="加载失败，点击重试" @load="load">
        <van-cell v-for="c in items" :key="c.centre_id" :title="c.name" :data-centre="c.centre_id" is-link :url="'#/centres/' + c.centre_id"
          :label="[regionName(c.region_code), c.admins.length ? '管理员：' + c.admins.join('、') : '暂无中心管理员'].join(' · ')" />
      </van-list>
      <van-empty v-if="finished && !items.length" description="还没有地方转移中心" />`,
    methods: { regionName },
    setup() { return { back, go }; },
  };

  const NewCentre = {
    components: { KzForm },
    data() { return { id: null }; },
    async created() { try { this.id = await institutionId(); } catch (err) { KZ.fail(err); } },
    methods: { done(answer) { location.replace("#/centres/" + answer.centre_id); } },
    template: nav("新增地方转移中心", "#/centres") + `
      <KzForm v-if="id" name="centre" :params="{ institution_id: id }" submit-text="保存" @done="done" />`,
    setup() { return { back }; },
  };

  // One centre: its details and its staff; edit it, add a staff member to it.
  const Centre = {
    props: ["id"],
    data() { return { c: null, staff: null }; },
    async created() {
      try {
        const [detail, staff] = await Promise.all([KZ.api("/centres/" + this.id), KZ.api(`/staff?centre_id=${this.id}&page_size=100`)]);
        this.c = detail;
        this.staff = staff.items;
      } catch (err) { KZ.fail(err); }
    },
    methods: { regionName },
    template: nav("地方转移中心", "#/centres") + `
      <van-loading v-if="!c" class="kz-boot" />
      <template v-else>
        <van-cell-group inset class="kz-form" :title="c.centre.name" data-testid="centre">
          <van-cell title="所在地区" :value="regionName(c.centre.region_code)" />
          <van-cell title="法人机构" :value="c.centre.institution_name" />
          <van-cell title="中心管理员" :value="c.centre.admins.join('、') || '暂无'" />
          <van-cell title="在岗技转人员" :value="c.staff + ' 人'" />
        </van-cell-group>
        <div class="kz-buttons">
          <van-button size="small" type="primary" plain icon="edit" data-testid="edit-centre" @click="go('#/centres/' + id + '/edit')">编辑</van-button>
          <van-button size="small" type="primary" icon="plus" @click="go('#/staff/new?centre=' + id)">添加技转人员</van-button>
        </div>
        <div class="kz-section">技转人员</div>
        <van-cell-group inset data-testid="centre-staff">
          <van-cell v-for="s in staff" :key="s.staff_member_id" :title="s.name" :label="s.position + ' · ' + s.mobile">
            <template #value><van-tag v-if="s.centre_admin" type="primary">中心管理员</van-tag></template>
          </van-cell>
          <van-cell v-if="!staff.length" title="暂无技转人员" />
        </van-cell-group>
      </template>`,
    setup() { return { back, go }; },
  };

  const CentreEdit = {
    components: { KzForm },
    props: ["id"],
    data() { return { initial: null }; },
    async created() {
      try {
        const { centre } = await KZ.api("/centres/" + this.id);
        this.initial = { name: centre.name, region_code: await region(centre.region_code) };
      } catch (err) { KZ.fail(err); }
    },
    methods: { done() { location.replace("#/centres/" + this.id); } },
    template: nav("编辑地方转移中心", "#/centres") + `
      <van-loading v-if="!initial" class="kz-boot" />
      <KzForm v-else name="centre_edit" :params="{ centre_id: id }" :initial="initial" submit-text="保存" @done="done" />`,
    setup() { return { back }; },
  };

  // DingTalk membership invitations: what the API says of each, and what may be done with it.

  // 技转人员: the staff with their centres; their DingTalk invitations (resend, revoke); departures.
  const Staff = {
    mixins: [paged("/staff?")],
    data() { return { tab: "staff", invitations: null, revoking: null, reason: "" }; },
    watch: { tab(t) { if (t === "invitations" && !this.invitations) this.loadInvitations(); } },
    methods: {
      async loadInvitations() {
        try { this.invitations = (await KZ.api("/membership-invitations?page_size=100")).items; } catch (err) { KZ.fail(err); }
      },
      async resend(inv) {
        try {
          await KZ.api(`/membership-invitations/${inv.id}/resend`, { method: "POST" });
          vant.showToast("已重新邀请");
          await this.loadInvitations();
        } catch (err) { KZ.fail(err); }
      },
      async revoke() {
        try {
          await KZ.api(`/membership-invitations/${this.revoking.id}/revoke`, { method: "POST", body: { reason: this.reason } });
          vant.showToast("邀请已撤销");
          this.revoking = null;
          await this.loadInvitations();
        } catch (err) { KZ.fail(err); }
      },
      role(r) { return KZ.ROLES[r] || r; },
      time: KZ.time,
    },
    template: nav("技转人员", "#/") + `
      <div class="kz-buttons">
        <van-button size="small" type="primary" icon="plus" data-testid="new-staff" @click="go('#/staff/new')">添加技转人员</van-button>
        <van-button size="small" type="primary" plain icon="user-o" @click="go('#/departures')">人员离岗</van-button>
      </div>
      <van-tabs v-model:active="tab">
        <van-tab title="在岗人员" name="staff" />
        <van-tab title="钉钉邀请" name="invitations" />
      </van-tabs>
      <template v-if="tab === 'staff'">
        <van-list v-model:loading="loading" :finished="finished" v-model:error="error" finished-text="没有更多了" error-text="加载失败，点击重试" @load="load">
          <van-cell v-for="s in items" :key="s.staff_member_id" :title="s.name" :data-staff="s.staff_member_id"
            :label="s.centre_name + ' · ' + s.position + ' · ' + s.mobile" is-link :url="'#/centres/' + s.centre_id">
            <template #value><van-tag v-if="s.centre_admin" type="primary">中心管理员</van-tag></template>
          </van-cell>
        </van-list>
        <van-empty v-if="finished && !items.length" description="还没有技转人员" />
      </template>
      <template v-else>
        <van-loading v-if="!invitations" class="kz-boot" />
        <van-cell-group v-else inset class="kz-form" data-testid="invitations">
          <van-cell v-for="inv in invitations" :key="inv.id" :data-invitation="inv.id">
            <template #title><b>{{ inv.name }}</b> <span class="kz-muted">{{ role(inv.role) }}<template v-if="inv.title"> · {{ inv.title }}</template></span></template>
            <template #label>
              <div>{{ inv.mobile }} · 邀请于 {{ time(inv.created_at) }}</div>
              <div v-if="inv.status === 'pending'">有效期至 {{ time(inv.expires_at) }} · 钉钉：{{ inv.platform_state_label }}</div>
              <div v-if="inv.platform_error" class="kz-error">{{ inv.platform_error }}</div>
              <div v-if="inv.revoke_reason">撤销原因：{{ inv.revoke_reason }}</div>
              <div class="kz-buttons" v-if="inv.status === 'pending' || inv.status === 'expired' || inv.status === 'revoked'">
                <van-button v-if="inv.status === 'pending'" size="mini" type="danger" plain @click="revoking = inv; reason = ''">撤销邀请</van-button>
                <van-button v-else size="mini" type="primary" plain @click="resend(inv)">重新邀请</van-button>
              </div>
            </template>
            <template #value><van-tag :type="inv.status === 'accepted' ? 'success' : inv.status === 'pending' ? 'primary' : 'default'">{{ inv.status_label }}</van-tag></template>
          </van-cell>
          <van-cell v-if="!invitations.length" title="暂无邀请" />
        </van-cell-group>
      </template>
      <van-dialog :show="!!revoking" title="撤销邀请" show-cancel-button teleport="body" @confirm="revoke" @cancel="revoking = null">
        <van-field v-model="reason" label="撤销原因" type="textarea" rows="2" autosize placeholder="对方接受邀请时将看到此原因" />
      </van-dialog>`,
    setup() { return { back, go }; },
  };

  // 添加技转人员: the centre first (the staff form goes to that centre), then the served form `staff`.
  const NewStaff = {
    components: { KzForm },
    props: ["centre"],
    data() { return { centres: [], chosen: null, picking: false }; },
    async created() {
      try {
        const data = await KZ.api("/centres?page_size=100");
        this.centres = data.items.map((c) => ({ text: c.name, value: c.centre_id }));
        this.chosen = this.centres.find((c) => String(c.value) === String(this.centre)) || null;
        if (!this.chosen && this.centres.length === 1) this.chosen = this.centres[0];
      } catch (err) { KZ.fail(err); }
    },
    methods: {
      pick({ selectedOptions }) { this.chosen = selectedOptions[0]; this.picking = false; },
      done() { vant.showToast("已添加，钉钉邀请已发出"); location.replace("#/staff"); },
    },
    template: nav("添加技转人员", "#/staff") + `
      <van-cell-group inset class="kz-form" data-field="centre">
        <van-field :model-value="chosen ? chosen.text : ''" name="centre" label="地方转移中心" required readonly is-link placeholder="请选择地方转移中心" @click="picking = true" />
      </van-cell-group>
      <van-popup v-model:show="picking" position="bottom" round teleport="body">
        <van-picker title="地方转移中心" :columns="centres" @confirm="pick" @cancel="picking = false" />
      </van-popup>
      <KzForm v-if="chosen" :key="chosen.value" name="staff" :params="{ centre_id: chosen.value }" submit-text="添加" @done="done" />
      <van-empty v-else-if="!centres.length" description="请先新增地方转移中心" />`,
    setup() { return { back }; },
  };

  // 服务专家: the experts the institution maintains, whether pushes reach them (following the official account).
  const Experts = {
    mixins: [paged("/experts?")],
    template: nav("服务专家", "#/") + `
      <div class="kz-buttons">
        <van-button size="small" type="primary" icon="plus" data-testid="new-expert" @click="go('#/experts/new')">添加专家</van-button>
        <van-button size="small" type="primary" plain icon="description" @click="go('#/expert-import')">Excel导入</van-button>
      </div>
      <van-list v-model:loading="loading" :finished="finished" v-model:error="error" finished-text="没有更多了" error-text="加载失败，点击重试" @load="load">
        <van-cell v-for="e in items" :key="e.expert_id" :title="e.name" :data-expert="e.expert_id" is-link :url="'#/experts/' + e.expert_id"
          :label="[e.title, e.employer].filter(Boolean).join(' · ') || '　'">
          <template #value><van-tag :type="e.wechat_status === 'following' ? 'success' : 'default'">{{ e.wechat_status_label }}</van-tag></template>
        </van-cell>
      </van-list>
      <van-empty v-if="finished && !items.length" description="还没有服务专家" />`,
    setup() { return { back, go }; },
  };

  const NewExpert = {
    components: { KzForm },
    data() { return { id: null }; },
    async created() { try { this.id = await institutionId(); } catch (err) { KZ.fail(err); } },
    methods: { done(answer) { location.replace("#/experts/" + answer.expert_id); } },
    template: nav("添加专家", "#/experts") + `
      <KzForm v-if="id" name="expert" :params="{ institution_id: id }" submit-text="添加" @done="done" />`,
    setup() { return { back }; },
  };

  const Expert = {
    props: ["id"],
    data() { return { e: null }; },
    async created() { try { this.e = await KZ.api("/experts/" + this.id); } catch (err) { KZ.fail(err); } },
    methods: { time: KZ.time },
    template: nav("专家信息", "#/experts") + `
      <van-loading v-if="!e" class="kz-boot" />
      <template v-else>
        <van-cell-group inset class="kz-form" :title="e.name" data-testid="expert">
          <van-cell title="手机号" :value="e.mobile" :url="'tel:' + e.mobile" />
          <van-cell title="职称" :value="e.title || '未填写'" />
          <van-cell title="工作单位" :value="e.employer || '未填写'" />
          <van-cell title="公众号" :value="e.wechat_status_label" :label="e.wechat_status_since ? '自 ' + time(e.wechat_status_since) : ''" />
        </van-cell-group>
        <van-cell-group inset class="kz-form" title="简介"><van-cell><div class="kz-text">{{ e.introduction || '未填写' }}</div></van-cell></van-cell-group>
        <van-cell-group inset class="kz-form" title="科研成果" data-testid="research-results">
          <van-cell v-for="w in e.research_results" :key="w.id" :title="w.title" :label="w.summary" />
          <van-cell v-if="!e.research_results.length" title="暂无" />
        </van-cell-group>
        <van-cell-group inset class="kz-form" title="技术方案">
          <van-cell v-for="w in e.technical_solutions" :key="w.id" :title="w.title" :label="w.summary" />
          <van-cell v-if="!e.technical_solutions.length" title="暂无" />
        </van-cell-group>
        <van-cell-group inset class="kz-form" title="服务机构">
          <template v-for="l in e.links" :key="l.link_id">
            <van-cell :title="l.institution_name" :label="'添加于 ' + time(l.created_at)" />
            <van-cell v-for="f in l.follow_ups || []" :key="f.id" :title="f.kind_label + ' · ' + f.staff_name" :label="time(f.occurred_at)">
              <template #label><div class="kz-text">{{ f.content }}</div><div class="kz-muted">{{ time(f.occurred_at) }}</div></template>
            </van-cell>
          </template>
        </van-cell-group>
      </template>`,
    setup() { return { back }; },
  };

  // An Excel import page (专家导入, and 技术经理人 批量导入 in managers.js): the template, the filled file up (with
  // its progress), the report row by row, the error file. `o`: title, back, template {path, name, hint}, upload
  // (the institution id → the upload path), present (the report's already_present label), done {text, to}.
  const XLSX = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  const importPage = (o) => ({
    data() { return { id: null, files: [], report: null, busy: false }; },
    async created() { try { this.id = await institutionId(); } catch (err) { KZ.fail(err); } },
    methods: {
      async template() {
        try { await download(o.template.path); } catch (err) { KZ.fail(err); }
      },
      async send(item) {
        this.report = null;
        this.busy = true;
        item.status = "uploading";
        item.message = "0%";
        try {
          this.report = await KZ.upload(KZ.config.api + o.upload(this.id), item.file, (p) => { item.message = p + "%"; });
          item.status = "done";
          item.message = "";
        } catch (err) {
          item.status = "failed";
          item.message = "导入失败";
          KZ.fail(err);
        } finally { this.busy = false; }
      },
      async errorFile() {
        try { await download(this.report.error_file_url); } catch (err) { KZ.fail(err); }
      },
    },
    template: nav(o.title, o.back) + `
      <van-cell-group inset class="kz-form" title="第一步：下载模板">
        <van-cell title="${o.template.name}" label="${o.template.hint}" icon="description" is-link data-testid="template" @click="template" />
      </van-cell-group>
      <van-cell-group inset class="kz-form" title="第二步：上传填好的文件">
        <div class="kz-upload">
          <van-uploader v-model="files" :after-read="send" :max-count="1" :accept="XLSX" :disabled="busy || !id" upload-text="选择Excel文件" data-testid="upload" />
          <div class="kz-hint">上传按模板填写的Excel文件；再次导入前先删除已上传的文件</div>
        </div>
      </van-cell-group>
      <template v-if="report">
        <div class="kz-section">导入结果</div>
        <van-cell-group inset data-testid="report">
          <van-cell title="成功导入" :value="report.imported + ' 行'" data-result="imported" />
          <van-cell title="${o.present}" :value="report.already_present + ' 行'" data-result="already_present" />
          <van-cell title="有错误未导入" :value="report.failed + ' 行'" data-result="failed" />
        </van-cell-group>
        <template v-if="report.errors.length">
          <div class="kz-section">错误明细</div>
          <van-cell-group inset data-testid="report-errors">
            <van-cell v-for="(e, i) in report.errors" :key="i" :title="'第' + e.row + '行 · ' + e.column" :label="e.reason" />
          </van-cell-group>
        </template>
        <div class="kz-actions">
          <van-button v-if="report.error_file_url" round block type="danger" plain icon="down" data-testid="error-file" @click="errorFile">下载错误文件</van-button>
          <van-button round block type="primary" plain class="kz-second" @click="go('${o.done.to}')">${o.done.text}</van-button>
        </div>
      </template>`,
    setup() { return { back, go, XLSX }; },
  });
  KZ.importPage = importPage;

  const ExpertImport = importPage({
    title: "专家导入",
    back: "#/experts",
    template: { path: "/expert-imports/template", name: "专家导入模板.xlsx", hint: "按模板中的说明填写，每行一位专家" },
    upload: (id) => `/institutions/${id}/expert-imports`,
    present: "已存在（已关联本机构）",
    done: { text: "查看服务专家", to: "#/experts" },
  });

  const components = {
    Institution, InstitutionEdit, Centres, NewCentre, Centre, CentreEdit, Staff, NewStaff, Experts, NewExpert, Expert,
    ExpertImport,
  };

  function route(parts, query) {
    const [a, b, c] = parts;
    if (a === "institution") return b === "edit" ? { is: "InstitutionEdit", props: {} } : { is: "Institution", props: {} };
    if (a === "centres" && b === "new") return { is: "NewCentre", props: {} };
    if (a === "centres" && b) return c === "edit" ? { is: "CentreEdit", props: { id: b } } : { is: "Centre", props: { id: b } };
    if (a === "centres") return { is: "Centres", props: {} };
    if (a === "staff" && b === "new") return { is: "NewStaff", props: { centre: query.get("centre") || "" } };
    if (a === "staff" && !b) return { is: "Staff", props: {} };
    if (a === "experts" && b === "new") return { is: "NewExpert", props: {} };
    if (a === "experts" && b) return { is: "Expert", props: { id: b } };
    if (a === "experts") return { is: "Experts", props: {} };
    if (a === "expert-import") return { is: "ExpertImport", props: {} };
    return null;
  }

  // Beside the working pages of workbench-staff.js (loaded before this file): theirs first, then these.
  const theirs = KZ.workbench.route;
  Object.assign(KZ.workbench.components, components);
  KZ.workbench.route = (parts, query) => theirs(parts, query) || route(parts, query);
})();
