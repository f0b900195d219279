// 单位认证 (seed 000 一.3) and 技术转移机构登记 (一.4). Certification: an organisation account's certification — its status, the platform's reason, the
// certified identity — and the served form to submit it or certify again. The business registry prefills the
// form by the unit's full name. Every rule (the locked credit code included) is the API's.
(function () {
  "use strict";
  const back = () => (history.length > 1 ? history.back() : (location.hash = "#/"));

  const Certification = {
    components: { KzForm: KZ.Form },
    data() { return { loaded: false, c: null, editing: false, lookup: "", initial: {}, formKey: 0, asking: false }; },
    async created() { await this.load(); },
    computed: {
      formShown() { return !this.c || this.editing; },
      again() { return this.c && this.c.status !== "pending"; },
    },
    methods: {
      async load() {
        try {
          this.c = (await KZ.api("/certification")).certification;
          this.loaded = true;
        } catch (err) { KZ.fail(err); }
      },
      edit() {
        const c = this.c;
        this.initial = { name: c.name, credit_code: c.credit_code, legal_representative: c.legal_representative };
        this.formKey += 1;
        this.editing = true;
      },
      // The registry's record fills what it knows; the applicant checks it and adds the licence.
      async prefill() {
        if (!this.lookup.trim()) { vant.showToast("请输入单位全称"); return; }
        this.asking = true;
        try {
          const found = await KZ.api("/certification/registry?name=" + encodeURIComponent(this.lookup.trim()));
          this.initial = { name: found.name, credit_code: found.credit_code, legal_representative: found.legal_representative };
          this.formKey += 1;
          vant.showToast("已按工商登记信息填写，请核对");
        } catch (err) { KZ.fail(err); } finally { this.asking = false; }
      },
      async done() { this.editing = false; await this.load(); },
    },
    template: `
      <van-nav-bar title="单位认证" left-text="返回" left-arrow @click-left="back" />
      <van-loading v-if="!loaded" class="kz-boot" />
      <template v-else>
        <van-cell-group v-if="c" inset class="kz-form" title="认证信息" data-testid="certification">
          <van-cell title="认证状态" :value="c.status_label" data-testid="status" />
          <van-cell v-if="c.reason" title="审核意见" :label="c.reason" data-testid="reason" />
          <van-cell v-if="c.receipt_number" title="受理编号" :value="c.receipt_number" />
          <van-cell v-if="c.due_on && c.status === 'pending'" title="审核期限" :value="c.due_on" />
          <van-cell title="单位名称" :value="c.name" />
          <van-cell title="统一社会信用代码" :value="c.credit_code" :label="c.credit_code_locked ? '认证通过后不能修改' : ''" />
          <van-cell title="法定代表人" :value="c.legal_representative" />
          <van-cell title="工商核验" :label="c.registry_label" />
          <van-cell v-if="c.certified && c.status !== 'certified'" title="已认证信息"
            :label="c.certified.name + ' · ' + c.certified.legal_representative" />
        </van-cell-group>
        <template v-if="formShown">
          <van-cell-group inset class="kz-form" title="按单位全称查询工商信息">
            <van-field v-model="lookup" name="lookup" placeholder="营业执照上的单位全称" data-testid="lookup">
              <template #button><van-button size="small" type="primary" :loading="asking" @click="prefill">查询</van-button></template>
            </van-field>
          </van-cell-group>
          <KzForm :key="formKey" name="unit_certification" :initial="initial" submit-text="提交认证" @done="done" />
        </template>
        <div v-else-if="again" class="kz-actions">
          <van-button round block plain type="primary" data-testid="again" @click="edit">{{ c.certified ? '变更信息并重新认证' : '修改后重新提交' }}</van-button>
        </div>
      </template>`,
    setup() { return { back }; },
  };

  // A reviewer's decision on one stage of a review: 通过, or 退回修改 / 驳回 once a reason is written. Shared by every
  // registration review page (managers.js too, loaded after this file); the API decides who may decide.
  const ReviewDecision = {
    props: ["review", "stage"],
    emits: ["decided"],
    data() { return { asking: "", reason: "", busy: false }; },
    methods: {
      async decide(decision) {
        if (decision !== "approve" && !this.reason.trim()) { this.asking = decision; return; }
        this.busy = true;
        try {
          const decided = await KZ.api(`/reviews/${this.review}/decision`, {
            method: "POST", body: { decision, stage: this.stage, reason: this.reason },
          });
          vant.showToast(decided.status || "已处理");
          this.asking = ""; this.reason = "";
          this.$emit("decided");
        } catch (err) { KZ.fail(err); } finally { this.busy = false; }
      },
    },
    template: `
      <van-cell-group v-if="asking" inset class="kz-form">
        <van-field v-model="reason" name="reason" label="原因" type="textarea" rows="2" autosize required placeholder="驳回或退回修改时请填写原因" />
      </van-cell-group>
      <div class="kz-buttons">
        <van-button type="primary" :loading="busy" data-testid="approve" @click="decide('approve')">通过</van-button>
        <van-button type="warning" :disabled="busy" data-testid="return" @click="decide('return')">退回修改</van-button>
        <van-button type="danger" :disabled="busy" data-testid="reject" @click="decide('reject')">驳回</van-button>
      </div>`,
  };
  KZ.ReviewDecision = ReviewDecision;

  // The platform's reviewer (the card's 查看详情, 待我审核): the certification as submitted, and the decision. The
  // one-stage chain's stage is 0; the API refuses whoever is not its reviewer.
  const CertificationReview = {
    props: ["id"],
    components: { ReviewDecision },
    data() { return { c: null }; },
    async created() { await this.load(); },
    computed: {
      reviewer() { return ((KZ.me && KZ.me.roles) || []).some((g) => g.role === "system_admin"); },
    },
    methods: {
      async load() { try { this.c = await KZ.api("/certifications/" + this.id); } catch (err) { KZ.fail(err); } },
      // The scan opens in place (a picture or PDF), fetched with the session like every API call.
      async openLicence() {
        try {
          const response = await fetch(KZ.config.api + `/certifications/${this.id}/licence?inline=1`, { headers: { Authorization: "Bearer " + KZ.token() } });
          if (!response.ok) throw new Error("未找到营业执照文件");
          window.open(URL.createObjectURL(await response.blob()), "_blank");
        } catch (err) { KZ.fail(err); }
      },
    },
    template: `
      <van-nav-bar title="单位认证审核" left-text="返回" left-arrow @click-left="back" />
      <van-loading v-if="!c" class="kz-boot" />
      <template v-else>
        <van-cell-group inset class="kz-form" :title="c.name" data-testid="certification">
          <van-cell title="认证状态" :value="c.status_label" data-testid="status" />
          <van-cell v-if="c.receipt_number" title="受理编号" :value="c.receipt_number" />
          <van-cell v-if="c.due_on && c.status === 'pending'" title="审核期限" :value="c.due_on" />
          <van-cell title="统一社会信用代码" :value="c.credit_code" />
          <van-cell title="法定代表人" :value="c.legal_representative" />
          <van-cell title="工商核验" :label="c.registry_label" />
          <van-cell title="营业执照" is-link data-testid="licence" @click="openLicence" />
          <van-cell v-if="c.certified" title="已认证信息" :label="c.certified.name + ' · ' + c.certified.legal_representative" />
          <van-cell v-if="c.reason" title="审核意见" :label="c.reason" />
        </van-cell-group>
        <template v-if="reviewer && c.status === 'pending'">
          <ReviewDecision :review="c.review_id" :stage="0" @decided="load" />
        </template>
      </template>`,
    setup() { return { back }; },
  };

  // A registration's values as the reviewer and the applicant read them: each field's label, a choice's label.
  function readable(form, values) {
    const shownValue = (f, v) => {
      if (f.type === "group") return v.map((item) => f.fields.map((g) => item[g.name]).filter(Boolean).join("：")).join("\n");
      const labels = Object.fromEntries((f.choices || []).map((c) => [c.value, c.label]));
      return Array.isArray(v) ? v.map((x) => labels[x] || x).join("、") : String(labels[v] || v);
    };
    return form.fields.filter((f) => values[f.name] !== undefined && values[f.name] !== null && values[f.name] !== "" && !(Array.isArray(values[f.name]) && !values[f.name].length))
      .map((f) => ({ name: f.name, label: f.label, value: shownValue(f, values[f.name]) }));
  }

  // 技术转移机构登记 (seed 000 一.4): the certified identity (locked), one row per registration with its status,
  // number and the city bureau's reason (查看), the institution's technology managers with their status (seed 001
  // §一(三): what 提交 keeps with the registration), and the served form with 保存 (a draft) and 提交.
  // 基础信息变更 (一.6): 申请变更基础信息 when the API allows it (else why not), the same form prefilled from the
  // approved record (or the open change), sent to the change route; the list shows each change with its status.
  const InstitutionRegistration = {
    components: { KzForm: KZ.Form },
    data() { return { loaded: false, r: null, formKey: 0, reason: null, changing: false }; },
    async created() { await this.load(); },
    computed: {
      // The registrations and updates; a change request is not one.
      current() { return this.r && this.r.registrations.find((x) => x.kind !== "change"); },
      openChange() { return this.r && this.r.registrations.find((x) => x.id === this.r.change.open_id); },
      // The first registration until approved; then, in the window, the annual update prefilled from the latest.
      formShown() { return this.r && this.r.identity && !this.changeShown && (!this.current || this.current.editable || this.r.update_open); },
      changeShown() { return this.r && this.r.change.allowed && (this.changing || (this.openChange && this.openChange.editable)); },
      // The window's dates while it is closed (or this year's record needs none), once there is a record to update.
      updateLater() { return this.r && this.r.update_window && !this.r.update_open && this.current && this.current.status === "approved"; },
      changeOffered() { return this.r && this.r.change.allowed && !this.changeShown && !this.formShown; },
      changeRefused() { return this.r && !this.r.change.allowed && this.r.change.code !== "change_not_registered" ? this.r.change.reason : ""; },
      initial() { return this.current ? { ...this.current.values } : {}; },
      changeInitial() {
        const from = this.openChange || this.r.registrations.find((x) => x.id === this.r.change.base_id);
        return from ? { ...from.values } : {};
      },
    },
    methods: {
      async load() {
        try { this.r = await KZ.api("/institution-registration"); this.loaded = true; } catch (err) { KZ.fail(err); }
      },
      async done() { this.changing = false; await this.load(); this.formKey += 1; window.scrollTo(0, 0); },
    },
    template: `
      <van-nav-bar title="技术转移机构登记" left-text="返回" left-arrow @click-left="back" />
      <van-loading v-if="!loaded" class="kz-boot" />
      <template v-else>
        <van-empty v-if="!r.identity" description="请先完成单位认证，再进行技术转移机构登记" data-testid="not-certified">
          <van-button round type="primary" @click="location.hash = '#/certification'">去单位认证</van-button>
        </van-empty>
        <template v-else>
          <van-cell-group inset class="kz-form" title="单位认证信息（自动带入）" data-testid="identity">
            <van-cell title="机构名称" :value="r.identity.name" />
            <van-cell title="统一社会信用代码" :value="r.identity.credit_code" label="不能修改" />
            <van-cell title="法人单位名称" :value="r.identity.legal_entity" label="修改须重新进行单位认证" />
          </van-cell-group>
          <van-cell-group v-for="x in r.registrations" :key="x.id" inset class="kz-form" :title="x.kind_label" :data-registration="x.id" :data-kind="x.kind">
            <van-cell title="机构名称" :value="x.name" />
            <van-cell title="审核状态" :value="x.status_label" data-testid="status" />
            <van-cell v-if="x.registration_number" title="登记号" :value="x.registration_number" data-testid="number" />
            <van-cell v-if="x.changes_number" title="变更的登记号" :value="x.changes_number" />
            <van-cell v-if="x.kind === 'change' && x.difference.length" title="变更内容" :value="x.difference.length + '项'" :label="x.difference.map((c) => c.label).join('、')" data-testid="change-fields" />
            <van-cell v-if="x.receipt_number" title="受理编号" :value="x.receipt_number" />
            <van-cell v-if="x.due_on && x.status === 'pending'" title="审核期限" :value="x.due_on" />
            <van-cell v-if="x.reason" title="审核意见" is-link value="查看" data-testid="view-reason" @click="reason = x.reason" />
          </van-cell-group>
          <van-dialog :show="reason !== null" title="审核意见" @confirm="reason = null"><div class="kz-hint" data-testid="reason">{{ reason }}</div></van-dialog>
          <van-cell-group inset class="kz-form" title="技术经理人（本单位经理人信息）" data-testid="managers">
            <van-cell v-for="m in r.managers" :key="m.id" :title="m.name" :label="m.title" :value="m.status_label + (m.stage ? '（' + m.stage + '）' : '')" :data-manager="m.id" is-link @click="location.hash = '#/technology-manager/' + m.id" />
            <van-cell v-if="!r.managers.length" title="暂无技术经理人" label="将单位邀请码告知技术经理人登记，或在「经理人审核」中批量导入" />
            <van-cell title="经理人审核 · 批量导入" is-link @click="location.hash = '#/technology-managers'" />
          </van-cell-group>
          <div v-if="formShown && r.update_open" class="kz-section" data-testid="update">年度更新（{{ r.update_window }}；已按最近一次审核通过的登记信息填写）</div>
          <div v-if="updateLater" class="kz-hint" data-testid="update-window">年度更新时间：{{ r.update_window }}。届时可在此提交年度更新（按最近一次审核通过的登记信息填写），当年首次登记的机构无需更新。</div>
          <KzForm v-if="formShown" :key="formKey" name="institution_registration" :initial="initial" submit-text="提交" @done="done" />
          <div v-if="changeOffered" class="kz-actions">
            <van-button round block plain type="primary" data-testid="change" @click="changing = true; formKey += 1">申请变更基础信息</van-button>
          </div>
          <div v-if="changeRefused" class="kz-hint" data-testid="change-refused">{{ changeRefused }}</div>
          <template v-if="changeShown">
            <div class="kz-section" data-testid="changing">基础信息变更（已按最近一次审核通过的登记信息填写，修改后提交市科技局审核）</div>
            <KzForm :key="'change' + formKey" name="institution_change" :initial="changeInitial" submit-text="提交变更" @done="done" />
          </template>
        </template>
      </template>`,
    setup() { return { back, location }; },
  };

  // The city bureau's reviewer (the card's 查看详情, 待我审核): the registration as submitted, and the decision.
  const InstitutionRegistrationReview = {
    props: ["id"],
    components: { ReviewDecision },
    data() { return { x: null, rows: [] }; },
    async created() { await this.load(); },
    computed: {
      reviewer() { return ((KZ.me && KZ.me.roles) || []).some((g) => g.role === "official"); },
    },
    methods: {
      async load() {
        try {
          const [x, form] = await Promise.all([KZ.api("/institution-registrations/" + this.id), KZ.api("/forms/institution_registration")]);
          this.rows = readable(form, x.values);
          this.x = x;
        } catch (err) { KZ.fail(err); }
      },
    },
    template: `
      <van-nav-bar :title="x && x.kind === 'change' ? '基础信息变更审核' : '机构登记审核'" left-text="返回" left-arrow @click-left="back" />
      <van-loading v-if="!x" class="kz-boot" />
      <div v-else data-testid="registration">
        <van-cell-group inset class="kz-form" :title="x.name">
          <van-cell title="审核状态" :value="x.status_label" data-testid="status" />
          <van-cell v-if="x.registration_number" title="登记号" :value="x.registration_number" />
          <van-cell v-if="x.receipt_number" title="受理编号" :value="x.receipt_number" />
          <van-cell v-if="x.due_on && x.status === 'pending'" title="审核期限" :value="x.due_on" />
          <van-cell title="统一社会信用代码" :value="x.credit_code" />
          <van-cell v-if="x.changes_number" title="变更的登记号" :value="x.changes_number" />
        </van-cell-group>
        <van-cell-group v-if="x.kind === 'change'" inset class="kz-form" title="变更内容（与已登记信息对比）" data-testid="difference">
          <div class="kz-diff">
            <table>
              <thead><tr><th>字段</th><th>原内容</th><th>变更后</th></tr></thead>
              <tbody><tr v-for="c in x.difference" :key="c.field" :data-change="c.field"><td>{{ c.label }}</td><td>{{ c.old || '（空）' }}</td><td>{{ c.new || '（空）' }}</td></tr></tbody>
            </table>
          </div>
        </van-cell-group>
        <van-cell-group inset class="kz-form" :title="x.kind === 'change' ? '变更后的登记信息' : '登记信息'">
          <van-cell v-for="row in rows" :key="row.name" :title="row.label" :label="row.value" />
          <van-cell v-if="x.reason" title="审核意见" :label="x.reason" />
        </van-cell-group>
        <van-cell-group v-if="x.managers" inset class="kz-form" title="技术经理人（提交时）" data-testid="managers">
          <van-cell v-for="m in x.managers" :key="m.id" :title="m.name" :label="m.title" :value="m.status_label + (m.stage ? '（' + m.stage + '）' : '')" />
          <van-cell v-if="!x.managers.length" title="无" />
        </van-cell-group>
        <template v-if="reviewer && x.status === 'pending'">
          <ReviewDecision :review="x.review_id" :stage="0" @decided="load" />
        </template>
      </div>`,
    setup() { return { back }; },
  };

  // Added to the working pages' views in place (as the other working-page scripts do).
  function route([, id]) {
    return id ? { is: "CertificationReview", props: { id } } : { is: "Certification", props: {} };
  }
  function registrationRoute([, id]) {
    return id ? { is: "InstitutionRegistrationReview", props: { id } } : { is: "InstitutionRegistration", props: {} };
  }
  const theirs = KZ.workbench.route;
  Object.assign(KZ.workbench.components, { Certification, CertificationReview, InstitutionRegistration, InstitutionRegistrationReview });
  KZ.workbench.route = (parts, query) => (parts[0] === "certification" ? route(parts)
    : parts[0] === "institution-registration" ? registrationRoute(parts) : theirs(parts, query));
})();
