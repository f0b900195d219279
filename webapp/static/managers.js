// 技术经理人登记 (seed 000 二, seed 001 §二): the manager's own record — status, the reviewers' reason, the served
// form `technology_manager` to save, submit and resubmit — and the institution's side: 经理人审核 and
// 经理人驳回更新, one manager's record, the review's decision, 驳回更新 and deletion, and 批量导入 from the form's Excel
// template. Every rule is the API's.
(function () {
  "use strict";
  const back = () => (history.length > 1 ? history.back() : (location.hash = "#/"));
  const go = (to) => { location.hash = to; };
  const FORM = "technology_manager";
  let served = null; // the form's declaration, fetched once: labels and choices to read a record by
  const declaration = () => (served = served || KZ.api("/forms/" + FORM).catch((err) => { served = null; throw err; }));

  // The stored values in the renderer's own shapes: groups as items, money in yuan, names one per line, scans as uploaded.
  function shaped(f, v) {
    if (f.type === "group") {
      return (v || []).map((item) => {
        const one = {};
        for (const sub of f.fields) one[sub.name] = sub.name in item && item[sub.name] !== null ? shaped(sub, item[sub.name]) : (sub.type === "boolean" ? false : "");
        return one;
      });
    }
    if (["integer", "money", "percent"].includes(f.type)) return String(v / (f.scale || 1));
    if (f.type === "texts") return (v || []).join("\n");
    if (f.type === "files") return v ? [{ file: { name: "已上传", type: "" }, stored: { id: v }, status: "done", message: "" }] : [];
    return v;
  }
  function prefill(fields, values) {
    const out = {};
    for (const f of fields) if (values[f.name] !== undefined && values[f.name] !== null) out[f.name] = shaped(f, values[f.name]);
    return out;
  }

  // How a stored value reads: a choice by its label, money in yuan, a group item by its fields.
  function readable(f, v) {
    if (v === null || v === undefined || v === "") return "";
    if (f.type === "choice" && f.choices) { const c = f.choices.find((x) => x.value === v); return c ? c.label : String(v); }
    if (f.type === "boolean") return v ? "是" : "否";
    if (["integer", "money", "percent"].includes(f.type)) return v / (f.scale || 1) + (f.unit ? " " + f.unit : "");
    if (f.type === "texts") return (v || []).join("；");
    if (f.type === "file") return "已上传";
    return String(v);
  }
  const rowsOf = (fields, values) => fields.filter((f) => f.type !== "group" && readable(f, values[f.name]) !== "")
    .map((f) => ({ label: f.label, text: readable(f, values[f.name]), name: f.name }));

  const Record = {
    props: ["m", "form"],
    computed: {
      rows() { return rowsOf(this.form.fields, this.m.values || {}); },
      groups() {
        return this.form.fields.filter((f) => f.type === "group").map((f) => ({
          name: f.name, label: f.label, items: (this.m.values[f.name] || []).map((item) => rowsOf(f.fields, item)),
        }));
      },
    },
    template: `
      <van-cell-group inset class="kz-form" title="登记信息" data-testid="record">
        <van-cell v-for="r in rows" :key="r.name" :title="r.label" :label="r.text.length > 18 ? r.text : ''" :value="r.text.length > 18 ? '' : r.text" />
      </van-cell-group>
      <template v-for="g in groups" :key="g.name">
        <van-cell-group v-for="(item, i) in g.items" :key="g.name + i" inset class="kz-form" :title="g.label + ' ' + (i + 1)" :data-group="g.name">
          <van-cell v-for="r in item" :key="r.name" :title="r.label" :label="r.text.length > 18 ? r.text : ''" :value="r.text.length > 18 ? '' : r.text" />
        </van-cell-group>
      </template>`,
  };

  const Status = {
    props: ["m"],
    template: `
      <van-cell-group inset class="kz-form" :title="m.name || '技术经理人登记'" data-testid="manager">
        <van-cell title="登记状态" :value="m.status_label + (m.stage ? '（' + m.stage + '）' : '')" data-testid="status" />
        <van-cell v-if="m.reason" title="审核意见" :label="m.reason" data-testid="reason" />
        <van-cell v-if="m.receipt_number" title="受理编号" :value="m.receipt_number" />
        <van-cell v-if="m.due_on && m.status === 'pending'" title="审核期限" :value="m.due_on" />
        <van-cell title="登记方式" :value="m.bound ? '机构邀请码登记' : '个人身份登记'" />
        <van-cell v-if="m.invitation_code" title="机构邀请码" :value="m.invitation_code" label="提交后不能修改" />
        <van-cell v-if="m.reopened" title="驳回更新" :value="m.status === 'returned' ? '机构已驳回更新，请修改后重新提交' : '驳回更新后重新提交'" />
        <van-cell v-if="m.deletion_pending" title="删除申请" value="平台审核中" />
      </van-cell-group>`,
  };

  // The manager's own registration: the form while it may be edited, the status with the reason otherwise.
  const MyManager = {
    components: { KzForm: KZ.Form, Status },
    data() { return { loaded: false, m: null, editing: false, formKey: 0 }; },
    async created() { await this.load(); },
    computed: {
      // Saved but not submitted, returned (驳回更新 too) or rejected: edit and (re)submit. Under review: wait.
      formShown() { return !this.m || this.editing || ["draft", "returned", "rejected"].includes(this.m.status); },
      // An individual manager edits an approved record at will; a bound one waits for the institution's 驳回更新.
      canEdit() { return this.m && this.m.status === "approved" && !this.m.bound && !this.m.deletion_pending; },
    },
    methods: {
      async load() {
        try { this.m = (await KZ.api("/technology-manager/registration")).manager; this.loaded = true; } catch (err) { KZ.fail(err); }
      },
      loaded_(form) { if (this.m) Object.assign(this.$refs.form.model, prefill(form.fields, this.m.values || {})); },
      edit() { this.editing = true; this.formKey += 1; },
      async done(answer) { this.editing = false; this.m = answer; this.formKey += 1; window.scrollTo(0, 0); },
    },
    template: `
      <van-nav-bar title="技术经理人登记" left-text="返回" left-arrow @click-left="back" />
      <van-loading v-if="!loaded" class="kz-boot" />
      <template v-else>
        <Status v-if="m" :m="m" />
        <KzForm v-if="formShown" ref="form" :key="formKey" name="${FORM}" :submit-text="m && m.submitted_at ? '重新提交' : '提交'" @loaded="loaded_" @done="done" />
        <div v-else-if="canEdit" class="kz-actions">
          <van-button round block plain type="primary" data-testid="again" @click="edit">修改后重新提交</van-button>
        </div>
      </template>`,
    setup() { return { back }; },
  };

  async function institutionId() {
    const grant = ((KZ.me && KZ.me.roles) || []).find((g) => g.role === "institution_admin" && g.institution_id);
    return grant ? grant.institution_id : null;
  }

  // 经理人审核 (every bound manager but the resubmissions after 驳回更新) and 经理人驳回更新.
  const ManagerLists = {
    props: ["which"],
    data() { return { id: null, items: null, tab: this.which === "updates" ? 1 : 0 }; },
    async created() { this.id = await institutionId(); await this.load(); },
    watch: { tab() { this.load(); } },
    methods: {
      async load() {
        if (!this.id) { this.items = []; return; }
        this.items = null;
        const list = this.tab === 1 ? "updates" : "review";
        try {
          this.items = (await KZ.api(`/institutions/${this.id}/technology-manager-registrations?list=${list}`)).managers;
        } catch (err) { KZ.fail(err); }
      },
      label(m) { return m.status_label + (m.stage ? ' · ' + m.stage : '') + (m.receipt_number ? ' · ' + m.receipt_number : ''); },
    },
    template: `
      <van-nav-bar title="技术经理人" left-text="工作台" left-arrow @click-left="go('#/')" />
      <van-tabs v-model:active="tab">
        <van-tab title="经理人审核" /><van-tab title="经理人驳回更新" />
      </van-tabs>
      <div v-if="id" class="kz-actions">
        <van-button size="small" type="primary" plain icon="description" data-testid="manager-import" @click="go('#/technology-managers/import')">批量导入</van-button>
      </div>
      <van-loading v-if="!items" class="kz-boot" />
      <template v-else>
        <van-cell v-for="m in items" :key="m.id" :data-manager="m.id" :title="m.name" :label="label(m)" is-link @click="go('#/technology-manager/' + m.id)" />
        <van-empty v-if="!items.length" description="暂无技术经理人" />
      </template>`,
    setup() { return { go }; },
  };

  // One manager's record for the institution, the officials and the platform (the card's 查看详情 opens it): the
  // decision when the caller reviews its stage now, 驳回更新 and deletion for the bound institution's admins.
  const Manager = {
    components: { Record, Status, ReviewDecision: KZ.ReviewDecision, KzForm: KZ.Form },
    props: ["id"],
    data() { return { m: null, form: null, stage: null, busy: false, returning: false, note: "", correcting: false }; },
    async created() { await this.load(); },
    computed: {
      admin() {
        return this.m && this.m.bound && ((KZ.me && KZ.me.roles) || [])
          .some((g) => g.role === "institution_admin" && g.institution_id === this.m.institution_id);
      },
      // Seed 000 一.7(1): while the institution reviews (its stage, 0), its admins may correct the certificate.
      correctable() { return this.admin && this.stage === 0 && this.m.status === "pending"; },
    },
    methods: {
      async load() {
        try {
          const [m, form, mine] = await Promise.all([KZ.api("/technology-managers/" + this.id), declaration(), KZ.api("/reviews/mine")]);
          const task = m.review_id && m.status === "pending" ? mine.items.find((r) => r.review_id === m.review_id) : null;
          this.stage = task ? task.stage : null;
          this.m = m; this.form = form;
        } catch (err) { KZ.fail(err); }
      },
      corrected(m) { this.m = m; this.correcting = false; },
      async returnForUpdate() {
        this.busy = true;
        try {
          this.m = await KZ.api(`/technology-managers/${this.id}/return`, { method: "POST", body: { reason: this.note } });
          this.returning = false; this.note = "";
          vant.showToast("已驳回更新");
        } catch (err) { KZ.fail(err); } finally { this.busy = false; }
      },
      async remove() {
        const approved = !!this.m.approved_at; // registered once: the platform decides (the API's rule)
        try {
          await vant.showConfirmDialog({
            title: "删除技术经理人", message: approved ? "已登记的经理人须经平台审核后解除绑定，确定提交？" : "删除「" + this.m.name + "」？",
          });
        } catch { return; }
        this.busy = true;
        try {
          const done = await KZ.api(`/technology-managers/${this.id}`, { method: "DELETE" });
          if (done.deleted) { vant.showToast("已删除"); go("#/technology-managers"); return; }
          vant.showToast("已提交平台审核");
          await this.load();
        } catch (err) { KZ.fail(err); } finally { this.busy = false; }
      },
    },
    template: `
      <van-nav-bar title="技术经理人" left-text="返回" left-arrow @click-left="back" />
      <van-loading v-if="!m || !form" class="kz-boot" />
      <template v-else>
        <Status :m="m" />
        <Record :m="m" :form="form" />
        <div v-if="correctable && !correcting" class="kz-actions">
          <van-button round block plain type="primary" data-testid="correct-certificate" @click="correcting = true">修改证书信息</van-button>
        </div>
        <template v-if="correctable && correcting">
          <div class="kz-section" data-testid="correcting">修改证书信息（机构审核时可修改，修改留痕）</div>
          <KzForm name="technology_manager_certificate" :params="{ manager_id: id }" :initial="{ ...m.values }" submit-text="保存证书信息" @done="corrected" />
        </template>
        <template v-if="stage !== null">
          <ReviewDecision :review="m.review_id" :stage="stage" @decided="load" />
        </template>
        <template v-if="admin && !m.deletion_pending">
          <van-cell-group v-if="returning" inset class="kz-form">
            <van-field v-model="note" name="note" label="说明" type="textarea" rows="2" autosize placeholder="驳回更新的说明（可选）" />
          </van-cell-group>
          <div class="kz-buttons">
            <van-button v-if="m.status === 'approved'" type="warning" plain :loading="busy && returning" data-testid="return-update"
              @click="returning ? returnForUpdate() : (returning = true)">{{ returning ? '确定驳回更新' : '驳回更新' }}</van-button>
            <van-button type="danger" plain :disabled="busy" data-testid="delete" @click="remove">删除</van-button>
          </div>
        </template>
      </template>`,
    setup() { return { back }; },
  };

  // 批量导入 (seed 001 §一(三)): the expert import's page with the technology-manager template; the rows that pass
  // are the institution's managers, already with the city.
  const ManagerImport = KZ.importPage({
    title: "技术经理人批量导入",
    back: "#/technology-managers",
    template: { path: "/technology-manager-imports/template", name: "技术经理人导入模板.xlsx", hint: "按模板中的说明填写，每行一位技术经理人" },
    upload: (id) => `/institutions/${id}/technology-manager-imports`,
    present: "已是本机构经理人（未修改）",
    done: { text: "查看经理人审核", to: "#/technology-managers" },
  });

  // Added to the working pages' views in place (as register.js does).
  function route([first, id], query) {
    if (first === "technology-manager") return id ? { is: "TechnologyManager", props: { id } } : { is: "MyTechnologyManager", props: {} };
    if (id === "import") return { is: "TechnologyManagerImport", props: {} };
    return { is: "TechnologyManagerLists", props: { which: query.get("list") || "review" } };
  }
  const theirs = KZ.workbench.route;
  Object.assign(KZ.workbench.components, {
    MyTechnologyManager: MyManager, TechnologyManager: Manager, TechnologyManagerLists: ManagerLists, TechnologyManagerImport: ManagerImport,
  });
  KZ.workbench.route = (parts, query) => (["technology-manager", "technology-managers"].includes(parts[0]) ? route(parts, query) : theirs(parts, query));
})();
