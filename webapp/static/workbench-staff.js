// 供需荟工作台: the working pages behind the home's entries (seed 004 §四–§九). Staff: 新增需求, follow-ups, expert
// push with the explained suggestions, project registration and fee proof, enterprises and contacts. Institution
// admin: a review and its decision, the demand pool and 揭榜, publications and the commitment letter. Centre admin:
// change of docking staff, departures. Forms are the served ones (kz-form.js); every rule is the API's.
(function () {
  "use strict";
  const back = (to) => () => (history.length > 1 ? history.back() : (location.hash = to));
  const nav = (title, to) => `<van-nav-bar title="${title}" left-text="返回" left-arrow @click-left="back('${to}')" />`;
  const go = (hash) => { location.hash = hash; };
  const KzForm = KZ.Form;
  const grantOf = (role) => ((KZ.me && KZ.me.roles) || []).find((g) => g.role === role);
  const anyGrant = (...roles) => ((KZ.me && KZ.me.roles) || []).find((g) => roles.includes(g.role));

  // Staff of the caller's institution to pick from (揭榜, accepting a publication, change of staff, departures).
  async function staffList() {
    const data = await KZ.api("/staff?page_size=100");
    return data.items.map((s) => ({ text: `${s.name}（${s.centre_name}）`, value: s.staff_member_id, account: s.account_id }));
  }
  const StaffPicker = {
    props: ["title", "show", "allowNone"],
    emits: ["update:show", "pick"],
    data() { return { columns: [] }; },
    watch: {
      async show(open) {
        if (!open || this.columns.length) return;
        try {
          const list = await staffList();
          this.columns = this.allowNone ? [{ text: "不指定（由中心管理员接手）", value: 0 }, ...list] : list;
        } catch (err) { KZ.fail(err); }
      },
    },
    // The pick first: a page may forget what the picker was for once it closes.
    methods: { confirm({ selectedOptions }) { this.$emit("pick", selectedOptions[0]); this.$emit("update:show", false); } },
    template: `
      <van-popup :show="show" position="bottom" round teleport="body" @update:show="$emit('update:show', $event)">
        <van-picker :title="title" :columns="columns" @confirm="confirm" @cancel="$emit('update:show', false)" />
      </van-popup>`,
  };

  // A file of a demand (attachment, follow-up's attachment, contract, fee proof): a tap asks the API for a short-lived
  // signed link and opens it. A page cannot put the session's token on a plain link (nor can DingTalk's viewer).
  const size = (n) => (n >= 1048576 ? (n / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(n / 1024)) + " KB");
  async function openFile(demandId, file) {
    const link = await KZ.api(`/demands/${demandId}/files/${file.id}/link`, { method: "POST" });
    KZ.openLink(link.url, file.name); // inside DingTalk its own viewer shows a picture or PDF in place
  }
  const FileList = {
    props: ["demandId", "files", "title"],
    data() { return { busy: null }; },
    methods: {
      size,
      async open(file) {
        this.busy = file.id;
        try { await openFile(this.demandId, file); } catch (err) { KZ.fail(err); } finally { this.busy = null; }
      },
    },
    template: `
      <van-cell-group v-if="files.length" inset class="kz-form" :title="title" data-testid="files">
        <van-cell v-for="f in files" :key="f.id" :title="f.name" :value="size(f.size)" icon="description" is-link clickable
          :data-file="f.id" @click="open(f)">
          <template v-if="busy === f.id" #right-icon><van-loading size="16" /></template>
        </van-cell>
      </van-cell-group>`,
  };

  // The owner's changes the API lists for this reader now (allowed_changes): 编辑需求, 提交审核, 撤回, 关闭需求.
  const CHANGES = { edit: "编辑需求", submit: "提交审核", withdraw: "撤回", close: "关闭需求" };
  const ASK = {
    submit: ["提交审核", "确定将该需求提交审核吗？"],
    withdraw: ["撤回需求", "撤回后需求回到草稿，审核人将不再处理。确定撤回吗？"],
  };

  // allowed_actions' keys → the button's label, its page under #/demands/<id>/ and its data-action.
  const ACTIONS = {
    follow_ups: ["跟进记录", "follow-ups", "follow-ups"], push_experts: ["推送专家", "experts", "experts"],
    register_project: ["项目登记", "project/new", "project"], publish: ["公开需求", "publish", "publish"],
    change_staff: ["变更对接人员", "docking-staff", "docking-staff"], project: ["项目信息", "project", "project-view"],
    fee_proof: ["中介费凭证", "fee-proof", "fee-proof"],
  };

  // The buttons under a demand's detail: what may be done next with it. The API refuses what the caller may not do.
  const DemandActions = {
    props: ["d"],
    emits: ["changed"],
    data() { return { closing: false, reason: "", busy: false }; },
    computed: {
      changes() { return (this.d.allowed_changes || []).map((key) => [CHANGES[key] || key, key]); },
      // Exactly the docking work the API lists for this reader now (allowed_actions), in its order.
      actions() {
        const id = this.d.demand_id;
        return (this.d.allowed_actions || []).filter((key) => ACTIONS[key])
          .map((key) => [ACTIONS[key][0], `#/demands/${id}/${ACTIONS[key][1]}`, ACTIONS[key][2]]);
      },
    },
    methods: {
      async change(key) {
        const id = this.d.demand_id;
        if (key === "edit") { go(`#/demands/${id}/edit`); return; }
        if (key === "close") { this.reason = ""; this.closing = true; return; }
        const [title, message] = ASK[key];
        try { await vant.showConfirmDialog({ title, message, teleport: "body" }); } catch (_) { return; } // cancelled
        await this.send(key, undefined);
      },
      // 确定 sends the reason; the dialog stays open until the API has answered (its message shown if refused).
      beforeClose(action) {
        if (action !== "confirm") return true;
        this.send("close", { reason: this.reason });
        return false;
      },
      async send(key, body) {
        this.busy = true;
        try {
          await KZ.api(`/demands/${this.d.demand_id}/${key}`, { method: "POST", body });
          vant.showToast({ submit: "已提交审核", withdraw: "已撤回", close: "需求已关闭" }[key]);
          this.closing = false;
          this.$emit("changed", await KZ.api("/demands/" + this.d.demand_id));
        } catch (err) { KZ.fail(err); } finally { this.busy = false; }
      },
    },
    template: `
      <div v-if="changes.length" class="kz-buttons" data-testid="demand-changes">
        <van-button v-for="[label, key] in changes" :key="key" size="small" :type="key === 'close' || key === 'withdraw' ? 'warning' : 'primary'"
          :plain="key !== 'submit'" :loading="busy && key !== 'edit'" :data-action="key" @click="change(key)">{{ label }}</van-button>
      </div>
      <div v-if="actions.length" class="kz-buttons" data-testid="demand-actions">
        <van-button v-for="[label, to, key] in actions" :key="key" size="small" type="primary" plain :data-action="key" @click="go(to)">{{ label }}</van-button>
      </div>
      <van-dialog :show="closing" title="关闭需求" show-cancel-button teleport="body" :before-close="beforeClose" @cancel="closing = false">
        <van-field v-model="reason" name="reason" type="textarea" rows="3" autosize placeholder="请填写关闭原因" />
      </van-dialog>`,
    setup() { return { go }; },
  };

  // 编辑需求: the served form demand_edit, filled with the demand as it is; saving sends the whole form (PUT).
  // The values go in the renderer's own shapes: names beside codes, numbers in the unit typed, files as uploaded.
  function prefill(fields, d) {
    const files = new Map(d.attachments.map((f) => [f.id, f]));
    const values = {};
    for (const f of fields) {
      const v = d[f.name];
      if (v === undefined || v === null) continue;
      if (f.type === "tech_fields") {
        values[f.name] = v.map((code) => {
          const named = d.tech_field_names.find((t) => t.code === code);
          return { value: code, text: named ? named.path || named.name : code };
        });
      } else if (f.type === "region") values[f.name] = { value: v, text: d.region_name || v };
      else if (["integer", "money", "percent"].includes(f.type)) values[f.name] = String(v / (f.scale || 1));
      else if (f.type === "files") {
        values[f.name] = v.filter((id) => files.has(id)).map((id) => ({
          file: { name: files.get(id).name, type: "" }, stored: { id }, status: "done", message: "",
        }));
      } else values[f.name] = v;
    }
    return values;
  }
  const EditDemand = {
    components: { KzForm },
    props: ["id"],
    data() { return { d: null }; },
    async created() { try { this.d = await KZ.api("/demands/" + this.id); } catch (err) { KZ.fail(err); } },
    methods: {
      loaded(form) { Object.assign(this.$refs.form.model, prefill(form.fields, this.d)); },
      done() { location.replace("#/demands/" + this.id); },
    },
    template: nav("编辑需求", "#/demands") + `
      <van-loading v-if="!d" class="kz-boot" />
      <template v-else>
        <van-notice-bar v-if="d.status === 'returned' || d.status === 'draft'" wrapable :text="'保存后请在需求详情中点击「提交审核」（' + d.number + '）'" />
        <KzForm ref="form" name="demand_edit" :params="{ id, demand_id: id }" submit-text="保存修改" @loaded="loaded" @done="done" />
      </template>`,
    setup() { return { back }; },
  };

  const NewDemand = {
    components: { KzForm },
    methods: { done(answer) { location.replace("#/demands/" + answer.demand_id); } },
    template: nav("新增需求", "#/") + `<KzForm name="demand" submit-text="提交审核" @done="done" />`,
    setup() { return { back }; },
  };

  const FollowUps = {
    props: ["id"],
    data() { return { items: null } ; },
    async created() { try { this.items = (await KZ.api(`/demands/${this.id}/follow-ups`)).items; } catch (err) { KZ.fail(err); } },
    methods: {
      time: KZ.time, size,
      async open(file) { try { await openFile(this.id, file); } catch (err) { KZ.fail(err); } },
    },
    template: nav("跟进记录", "#/") + `
      <van-loading v-if="!items" class="kz-boot" />
      <template v-else>
        <van-cell-group inset class="kz-form" data-testid="follow-ups">
          <van-cell v-for="f in items" :key="f.id" :title="f.kind_label || f.kind" :label="f.recorded_by + ' · ' + time(f.occurred_at)">
            <template #label>
              <div class="kz-text">{{ f.content }}</div><div class="kz-muted">{{ f.recorded_by }} · {{ time(f.occurred_at) }}</div>
              <div v-if="f.attachments.length" data-testid="files">
                <div v-for="a in f.attachments" :key="a.id" class="kz-file" :data-file="a.id" @click="open(a)"><van-icon name="description" /> {{ a.name }} <span class="kz-muted">{{ size(a.size) }}</span></div>
              </div>
            </template>
          </van-cell>
        </van-cell-group>
        <van-empty v-if="!items.length" description="还没有跟进记录" />
        <div class="kz-actions"><van-button round block type="primary" icon="plus" data-testid="new-follow-up" @click="go('#/demands/' + id + '/follow-ups/new')">新增跟进</van-button></div>
      </template>`,
    setup() { return { back, go }; },
  };

  const NewFollowUp = {
    components: { KzForm },
    props: ["id"],
    methods: { done() { location.replace(`#/demands/${this.id}/follow-ups`); } },
    template: nav("新增跟进", "#/") + `<KzForm name="follow_up" :params="{ id, demand_id: id }" @done="done" />`,
    setup() { return { back }; },
  };

  // 专家推送: the suggestions, best first, each with the reasons behind its score; pick and push.
  // Narrowing the suggestions (seed 004 §五.4): research field, the region they work in, their employer.
  const PUSH_FILTERS = [
    { name: "field", type: "tech_fields", label: "研究领域", max_items: 1, choices_source: KZ.config.api + "/tech-fields" },
    { name: "region", type: "region", label: "推送范围", choices_source: KZ.config.api + "/regions" },
    { name: "employer", type: "text", label: "所属机构" },
  ];
  const ExpertPush = {
    components: { KzField: KZ.FormField },
    props: ["id"],
    data() {
      return { items: null, chosen: [], pushes: [], busy: false, failure: "", filter: Vue.reactive({ field: [], region: "", employer: "" }) };
    },
    async created() { await this.load(); },
    methods: {
      async load() {
        const query = new URLSearchParams();
        if (this.filter.field.length) query.set("field", this.filter.field[0].value);
        if (this.filter.region) query.set("region", this.filter.region.value);
        if (this.filter.employer.trim()) query.set("employer", this.filter.employer.trim());
        try {
          const [suggested, pushed] = await Promise.all([
            KZ.api(`/demands/${this.id}/expert-suggestions` + (String(query) ? "?" + query : "")), KZ.api(`/demands/${this.id}/expert-pushes`),
          ]);
          this.failure = "";
          this.items = suggested.items;
          this.pushes = pushed.items;
        } catch (err) { this.failure = err.message; this.items = []; }
      },
      async push() {
        if (!this.chosen.length) { vant.showToast("请选择要推送的专家"); return; }
        this.busy = true;
        try {
          await KZ.api(`/demands/${this.id}/expert-pushes`, { method: "POST", body: { expert_ids: this.chosen } });
          vant.showToast("已推送");
          this.chosen = [];
          await this.load();
        } catch (err) { KZ.fail(err); } finally { this.busy = false; }
      },
      time: KZ.time,
    },
    template: nav("专家推送", "#/") + `
      <van-loading v-if="!items" class="kz-boot" />
      <template v-else>
        <van-notice-bar v-if="failure" :text="failure" wrapable />
        <van-cell-group inset class="kz-form" data-testid="push-filters">
          <KzField v-for="f in PUSH_FILTERS" :key="f.name" :field="f" :model="filter" :errors="{}" />
          <div class="kz-actions"><van-button size="small" block plain type="primary" data-testid="filter" @click="load">筛选专家</van-button></div>
        </van-cell-group>
        <div class="kz-section">推荐专家（按匹配度）</div>
        <van-checkbox-group v-model="chosen">
          <van-cell-group inset data-testid="suggestions">
            <van-cell v-for="e in items" :key="e.expert_id" clickable :data-expert="e.expert_id" @click="chosen.includes(e.expert_id) ? chosen.splice(chosen.indexOf(e.expert_id), 1) : chosen.push(e.expert_id)">
              <template #title><b>{{ e.name }}</b> <span class="kz-muted">{{ e.title }} · {{ e.employer }}</span></template>
              <template #label><div>匹配度 {{ Math.round(e.score * 100) / 100 }}</div><div v-for="r in e.reasons" :key="r">· {{ r }}</div></template>
              <template #right-icon><van-checkbox :name="e.expert_id" @click.stop /></template>
            </van-cell>
          </van-cell-group>
        </van-checkbox-group>
        <van-empty v-if="!items.length && !failure" description="暂无可推送的专家" />
        <div class="kz-actions"><van-button round block type="primary" :loading="busy" data-testid="push" @click="push">推送（{{ chosen.length }}）</van-button></div>
        <template v-if="pushes.length">
          <div class="kz-section">已推送</div>
          <van-cell-group inset data-testid="pushes">
            <van-cell v-for="p in pushes" :key="p.id" :title="p.expert_name" :label="p.pushed_by + ' · ' + time(p.created_at)" :value="p.status_label || p.status" />
          </van-cell-group>
        </template>
      </template>`,
    setup() { return { back, PUSH_FILTERS }; },
  };

  const NewProject = {
    components: { KzForm },
    props: ["id"],
    methods: { done() { location.replace(`#/demands/${this.id}/project`); } },
    template: nav("项目登记", "#/") + `<KzForm name="project" :params="{ id, demand_id: id }" @done="done" />`,
    setup() { return { back }; },
  };

  const Project = {
    components: { FileList },
    props: ["id"],
    data() { return { p: null }; },
    async created() { try { this.p = await KZ.api(`/demands/${this.id}/project`); } catch (err) { KZ.fail(err); } },
    methods: { yuan: KZ.yuan },
    template: nav("项目信息", "#/") + `
      <van-loading v-if="!p" class="kz-boot" />
      <template v-else>
        <van-cell-group inset class="kz-form" :title="p.demand_title" data-testid="project">
          <van-cell title="项目名称" :value="p.name" />
          <van-cell title="项目类别" :value="p.category_label" />
          <van-cell title="项目金额" :value="yuan(p.amount_fen)" />
          <van-cell title="合同签订日期" :value="p.signed_on" />
          <van-cell title="项目负责人" :value="p.leader" />
          <van-cell v-if="p.members.length" title="项目成员" :value="p.members.join('、')" />
          <van-cell title="承担单位" :value="p.undertaking_unit" />
          <van-cell title="主体类型" :value="p.entity_type_label" />
          <van-cell v-if="p.cooperation_mode_label" title="合作方式" :value="p.cooperation_mode_label" />
        </van-cell-group>
        <FileList :demand-id="id" :files="[p.contract_file].filter(Boolean)" title="合同" />
        <FileList :demand-id="id" :files="[p.fee_proof_file].filter(Boolean)" title="中介费凭证" />
        <div class="kz-actions"><van-button round block plain type="primary" @click="go('#/demands/' + id + '/fee-proof')">上传中介费凭证</van-button></div>
      </template>`,
    setup() { return { back, go }; },
  };

  const FeeProof = {
    components: { KzForm },
    props: ["id"],
    methods: { done() { location.replace(`#/demands/${this.id}`); } },
    template: nav("中介费凭证", "#/") + `<KzForm name="fee_proof" :params="{ id, demand_id: id }" @done="done" />`,
    setup() { return { back }; },
  };

  const Enterprises = {
    data() { return { items: [], page: 0, loading: false, finished: false, error: false }; },
    methods: {
      async load() {
        this.loading = true;
        try {
          const data = await KZ.api(`/enterprises?page=${this.page + 1}&page_size=20`);
          this.items.push(...data.items);
          this.page = data.page;
          this.finished = this.items.length >= data.total;
        } catch (err) { this.error = true; KZ.fail(err); } finally { this.loading = false; }
      },
    },
    computed: { canAdd() { return !!anyGrant("staff", "centre_admin", "institution_admin"); } },
    template: nav("需求企业", "#/") + `
      <div v-if="canAdd" class="kz-buttons">
        <van-button size="small" type="primary" icon="plus" @click="go('#/enterprises/new')">添加企业</van-button>
        <van-button size="small" type="primary" plain @click="go('#/enterprises/new?manual=1')">手工录入</van-button>
      </div>
      <van-list v-model:loading="loading" :finished="finished" v-model:error="error" finished-text="没有更多了" @load="load">
        <van-cell v-for="e in items" :key="e.enterprise_id" :title="e.name" :label="e.credit_code" is-link :url="'#/enterprises/' + e.enterprise_id" :value="e.verification_label" />
      </van-list>`,
    setup() { return { back, go }; },
  };

  const NewEnterprise = {
    components: { KzForm },
    props: ["manual"],
    computed: { institution() { const g = anyGrant("staff", "centre_admin", "institution_admin"); return g && g.institution_id; } },
    methods: { done(answer) { location.replace("#/enterprises/" + answer.enterprise_id); } },
    template: nav("添加企业", "#/enterprises") + `<KzForm :name="manual ? 'enterprise_entry' : 'enterprise'" :params="{ institution_id: institution }" @done="done" />`,
    setup() { return { back }; },
  };

  const Enterprise = {
    components: { KzForm },
    props: ["id"],
    data() { return { e: null, adding: false }; },
    async created() { await this.load(); },
    methods: {
      async load() { try { this.e = await KZ.api("/enterprises/" + this.id); } catch (err) { KZ.fail(err); } },
      async added() { this.adding = false; await this.load(); },
    },
    template: nav("企业信息", "#/enterprises") + `
      <van-loading v-if="!e" class="kz-boot" />
      <template v-else>
        <van-cell-group inset class="kz-form" :title="e.name">
          <van-cell title="统一社会信用代码" :value="e.credit_code" />
          <van-cell title="法定代表人" :value="e.legal_representative" />
          <van-cell title="地址" :label="e.address" />
          <van-cell title="核验状态" :value="e.verification_label" />
        </van-cell-group>
        <van-cell-group inset class="kz-form" title="联系人" data-testid="contacts">
          <van-cell v-for="c in e.contacts" :key="c.contact_id" :title="c.name + (c.position ? ' · ' + c.position : '')" :value="c.phone" :url="'tel:' + c.phone" />
          <van-cell v-if="!e.contacts.length" title="暂无联系人" />
        </van-cell-group>
        <KzForm v-if="adding" name="enterprise_contact" :params="{ id, enterprise_id: id }" submit-text="保存联系人" @done="added" />
        <div v-else class="kz-actions"><van-button round block plain type="primary" icon="plus" @click="adding = true">添加联系人</van-button></div>
      </template>`,
    setup() { return { back }; },
  };

  // A review waiting for me: the demand as submitted, then 通过 / 驳回 / 退回修改 (a reason for the last two).
  const Review = {
    props: ["id"],
    data() { return { item: null, d: null, asking: "", reason: "", busy: false }; },
    async created() {
      try {
        const mine = await KZ.api("/reviews/mine");
        const item = mine.items.find((r) => String(r.review_id) === String(this.id));
        if (!item) { vant.showToast("该审核已处理或不在您的待办中"); return; }
        const demand = ((item.link || "").split("#")[1] || "").match(/demands\/(\d+)/);
        if (demand) this.d = await KZ.api("/demands/" + demand[1]);
        this.item = item; // shown with its demand, at once
      } catch (err) { KZ.fail(err); }
    },
    methods: {
      ask(decision) { this.asking = decision; this.reason = ""; },
      async decide(decision) {
        this.busy = true;
        try {
          const answer = await KZ.api(`/reviews/${this.id}/decision`, { method: "POST", body: { decision, stage: this.item.stage, reason: this.reason } });
          this.asking = "";
          vant.showToast(answer && answer.won === false ? "该审核已由他人处理" : "已提交审核意见");
          if (this.d) location.replace("#/demands/" + this.d.demand_id); else location.replace("#/reviews");
        } catch (err) { KZ.fail(err); } finally { this.busy = false; }
      },
      percent: KZ.percent,
    },
    template: nav("需求审核", "#/reviews") + `
      <van-loading v-if="!item && !d" class="kz-boot" />
      <template v-if="item">
        <van-cell-group inset class="kz-form" :title="item.title">
          <van-cell title="审核环节" :value="item.chain_name + ' · ' + item.stage_name" />
          <van-cell v-if="item.due_text" title="时限" :value="item.due_text" />
          <template v-if="d">
            <van-cell title="需求企业" :value="d.enterprise_name" />
            <van-cell title="技术领域" :label="d.tech_field_names.map((f) => f.path || f.name).join('；')" />
            <van-cell title="所在地区" :value="d.region_name" />
            <van-cell title="中介服务费比例" :value="percent(d.fee_ratio_bp)" />
            <van-cell title="提交人" :value="d.staff_name" />
            <van-cell title="需求描述"><template #label><div class="kz-text">{{ d.description }}</div></template></van-cell>
            <van-cell title="查看完整需求" is-link :url="'#/demands/' + d.demand_id" />
          </template>
        </van-cell-group>
        <div class="kz-buttons" data-testid="decision">
          <van-button type="primary" :loading="busy" data-decision="approve" @click="decide('approve')">通过</van-button>
          <van-button type="warning" plain data-decision="return" @click="ask('return')">退回修改</van-button>
          <van-button type="danger" plain data-decision="reject" @click="ask('reject')">驳回</van-button>
        </div>
        <van-dialog :show="!!asking" :title="asking === 'reject' ? '驳回原因' : '退回修改意见'" show-cancel-button teleport="body"
          @confirm="decide(asking)" @cancel="asking = ''">
          <van-field v-model="reason" name="reason" type="textarea" rows="3" autosize placeholder="请填写原因" />
        </van-dialog>
      </template>`,
    setup() { return { back }; },
  };

  // 需求池: enterprises' demands waiting to be taken up; 承接 names the docking staff member.
  const Pool = {
    components: { StaffPicker },
    data() { return { items: [], page: 0, loading: false, finished: false, error: false, picking: null }; },
    methods: {
      async load() {
        this.loading = true;
        try {
          const data = await KZ.api(`/demand-pool?page=${this.page + 1}&page_size=20`);
          this.items.push(...data.items);
          this.page = data.page;
          this.finished = this.items.length >= data.total;
        } catch (err) { this.error = true; KZ.fail(err); } finally { this.loading = false; }
      },
      async takeUp(staff) {
        const demand = this.picking;
        try {
          await KZ.api(`/demands/${demand.demand_id}/take-up`, { method: "POST", body: { staff_account_id: staff.account } });
          vant.showToast("已承接");
          go("#/demands/" + demand.demand_id);
        } catch (err) { KZ.fail(err); }
      },
      percent: KZ.percent,
    },
    template: nav("需求池", "#/") + `
      <van-list v-model:loading="loading" :finished="finished" v-model:error="error" finished-text="没有更多了" @load="load">
        <van-cell v-for="d in items" :key="d.demand_id" :title="d.title" :label="d.number + ' · 中介服务费比例 ' + percent(d.fee_ratio_bp) + (d.take_up_refusal ? ' · ' + d.take_up_refusal : '')">
          <template #value><van-button size="small" type="primary" :disabled="!d.can_take_up" @click="picking = d">承接</van-button></template>
        </van-cell>
      </van-list>
      <StaffPicker title="选择对接技转人员" :show="!!picking" @update:show="!$event && (picking = null)" @pick="takeUp" />`,
    setup() { return { back }; },
  };

  // 需求公开: what we published and what is offered to us; an offer is accepted on its commitment letter.
  const Publications = {
    data() { return { items: null }; },
    async created() { try { this.items = (await KZ.api("/publications")).items; } catch (err) { KZ.fail(err); } },
    methods: { percent: KZ.percent, time: KZ.time },
    template: nav("需求公开", "#/") + `
      <van-loading v-if="!items" class="kz-boot" />
      <template v-else>
        <div class="kz-section">可受理的公开需求</div>
        <van-cell-group inset>
          <van-cell v-for="p in items.filter((x) => x.side === 'offered')" :key="p.id" :title="p.demand_title"
            :label="p.publisher_institution + ' · ' + percent(p.fee_ratio_bp) + ' · ' + time(p.published_at)"
            :value="p.accepted_institution ? '已受理' : '去受理'" :is-link="!p.accepted_institution" :url="p.accepted_institution ? undefined : '#/publications/' + p.id" />
        </van-cell-group>
        <div class="kz-section">本机构公开的需求</div>
        <van-cell-group inset>
          <van-cell v-for="p in items.filter((x) => x.side === 'published')" :key="p.id" :title="p.demand_title"
            :label="(p.audience === 'all' ? '全公开' : '指定机构公开') + ' · ' + percent(p.fee_ratio_bp)" :value="p.accepted_institution || '待受理'" is-link :url="'#/demands/' + p.demand_id" />
        </van-cell-group>
        <van-empty v-if="!items.length" description="暂无公开需求" />
      </template>`,
    setup() { return { back }; },
  };

  const Acceptance = {
    components: { StaffPicker },
    props: ["id"],
    data() { return { letter: null, confirmed: false, staff: null, picking: false, busy: false }; },
    async created() { try { this.letter = await KZ.api(`/publications/${this.id}/letter`); } catch (err) { KZ.fail(err); } },
    methods: {
      async accept() {
        if (!this.confirmed) { vant.showToast("请先阅读并确认承诺函"); return; }
        if (!this.staff) { vant.showToast("请选择对接技转人员"); return; }
        this.busy = true;
        try {
          const answer = await KZ.api(`/publications/${this.id}/accept`, {
            method: "POST", body: { letter_version: this.letter.letter_version, letter_sha256: this.letter.sha256, staff_member_id: this.staff.value },
          });
          vant.showToast("已受理");
          location.replace(answer && answer.demand_id ? "#/demands/" + answer.demand_id : "#/publications");
        } catch (err) { KZ.fail(err); } finally { this.busy = false; }
      },
    },
    template: nav("受理公开需求", "#/publications") + `
      <van-loading v-if="!letter" class="kz-boot" />
      <template v-else>
        <div class="kz-section">承诺函</div>
        <div class="kz-letter" data-testid="letter">{{ letter.text }}</div>
        <van-cell-group inset>
          <van-cell title="对接技术转移人员" :value="staff ? staff.text : '请选择'" is-link @click="picking = true" />
          <van-cell><van-checkbox v-model="confirmed" shape="square" data-testid="confirm-letter">我已阅读并确认承诺函</van-checkbox></van-cell>
        </van-cell-group>
        <div class="kz-actions"><van-button round block type="primary" :loading="busy" :disabled="!confirmed" @click="accept">确认受理</van-button></div>
        <StaffPicker title="选择对接技转人员" v-model:show="picking" @pick="staff = $event" />
      </template>`,
    setup() { return { back }; },
  };

  const Publish = {
    components: { KzForm },
    props: ["id"],
    methods: { done() { location.replace("#/demands/" + this.id); } },
    template: nav("公开需求", "#/") + `<KzForm name="publication" :params="{ id, demand_id: id }" submit-text="公开" @done="done" />`,
    setup() { return { back }; },
  };

  // 变更对接人员: from the centre's demands in docking, or straight from a demand's detail.
  const DockingStaff = {
    components: { StaffPicker },
    props: ["id"],
    data() { return { items: null, target: this.id || null, picking: !!this.id }; },
    async created() {
      if (this.id) return;
      // Those a change applies to: in docking, or published and not yet accepted elsewhere.
      try {
        const lists = await Promise.all(["docking", "published"].map((s) => KZ.api(`/demands?status=${s}&page_size=50`)));
        this.items = lists.flatMap((l) => l.items);
      } catch (err) { KZ.fail(err); }
    },
    methods: {
      choose(d) { this.target = d.demand_id; this.picking = true; },
      async change(staff) {
        try {
          await KZ.api(`/demands/${this.target}/docking-staff`, { method: "POST", body: { staff_member_id: staff.value } });
          vant.showToast("已变更对接人员");
          location.replace("#/demands/" + this.target);
        } catch (err) { KZ.fail(err); }
      },
    },
    template: nav("变更对接人员", "#/") + `
      <template v-if="items">
        <van-cell v-for="d in items" :key="d.demand_id" :title="d.title" :label="d.number + ' · ' + d.status_label" is-link :data-demand="d.demand_id" @click="choose(d)" />
        <van-empty v-if="!items.length" description="没有对接中的需求" />
      </template>
      <StaffPicker title="选择新的对接技转人员" v-model:show="picking" @pick="change" />`,
    setup() { return { back }; },
  };

  // 人员离岗: a staff member leaves; a successor (or the centre's admin) takes over their demands.
  const Departures = {
    components: { StaffPicker },
    data() { return { items: null, leaving: null, successor: null, picking: false, reason: "", busy: false }; },
    async created() { try { this.items = await staffList(); } catch (err) { KZ.fail(err); } },
    methods: {
      async submit() {
        this.busy = true;
        try {
          const body = { reason: this.reason, successor_staff_member_id: this.successor && this.successor.value ? this.successor.value : null };
          await KZ.api(`/staff/${this.leaving.value}/departure`, { method: "POST", body });
          vant.showToast("已登记离岗");
          this.items = this.items.filter((s) => s.value !== this.leaving.value);
          this.leaving = null;
        } catch (err) { KZ.fail(err); } finally { this.busy = false; }
      },
    },
    template: nav("人员离岗", "#/") + `
      <van-loading v-if="!items" class="kz-boot" />
      <template v-else-if="!leaving">
        <div class="kz-section">选择离岗人员</div>
        <van-cell v-for="s in items" :key="s.value" :title="s.text" is-link @click="leaving = s; successor = null; reason = ''" />
      </template>
      <template v-else>
        <van-cell-group inset class="kz-form" :title="'离岗：' + leaving.text">
          <van-cell title="接手人员" :value="successor ? successor.text : '请选择'" is-link @click="picking = true" />
          <van-field v-model="reason" name="reason" label="离岗原因" type="textarea" rows="2" autosize required placeholder="请填写离岗原因" />
        </van-cell-group>
        <div class="kz-buttons">
          <van-button @click="leaving = null">取消</van-button>
          <van-button type="danger" :loading="busy" @click="submit">确认离岗</van-button>
        </div>
        <StaffPicker title="选择接手人员" allow-none v-model:show="picking" @pick="successor = $event" />
      </template>`,
    setup() { return { back }; },
  };

  const components = {
    NewDemand, EditDemand, FollowUps, NewFollowUp, ExpertPush, NewProject, Project, FeeProof, Enterprises, NewEnterprise, Enterprise,
    Review, Pool, Publications, Acceptance, Publish, DockingStaff, Departures,
  };

  // "#/demands/12/follow-ups/new" → the view and its props; null for the views workbench.js has itself.
  function route(parts, query) {
    const [a, b, c, d] = parts;
    if (a === "demands" && b === "new") return { is: "NewDemand", props: {} };
    if (a === "demands" && b && c === "edit") return { is: "EditDemand", props: { id: b } };
    if (a === "demands" && b && c === "follow-ups") return d === "new" ? { is: "NewFollowUp", props: { id: b } } : { is: "FollowUps", props: { id: b } };
    if (a === "demands" && b && c === "experts") return { is: "ExpertPush", props: { id: b } };
    if (a === "demands" && b && c === "project") return d === "new" ? { is: "NewProject", props: { id: b } } : { is: "Project", props: { id: b } };
    if (a === "demands" && b && c === "fee-proof") return { is: "FeeProof", props: { id: b } };
    if (a === "demands" && b && c === "publish") return { is: "Publish", props: { id: b } };
    if (a === "demands" && b && c === "docking-staff") return { is: "DockingStaff", props: { id: b } };
    if (a === "enterprises" && b === "new") return { is: "NewEnterprise", props: { manual: query.get("manual") === "1" } };
    if (a === "enterprises" && b) return { is: "Enterprise", props: { id: b } };
    if (a === "enterprises") return { is: "Enterprises", props: {} };
    if (a === "reviews" && b) return { is: "Review", props: { id: b } };
    if (a === "pool") return { is: "Pool", props: {} };
    if (a === "publications" && b) return { is: "Acceptance", props: { id: b } };
    if (a === "publications") return { is: "Publications", props: {} };
    if (a === "docking-staff") return { is: "DockingStaff", props: {} };
    if (a === "departures") return { is: "Departures", props: {} };
    return null;
  }

  KZ.workbench = { components, route, DemandActions, FileList };
})();
