// The form renderer: any form served by GET /api/v1/forms/{name} (docs: /work/wt/FORMS_CONTRACT.md) as Vant fields.
// It keeps no rule of its own: labels, limits, choices and conditions come from the served declaration, and the
// only judge of the filled form is the API it is sent to (its Chinese errors are shown on the fields they name).
(function () {
  "use strict";
  const { reactive } = Vue;
  const API = KZ.config.api;
  const local = (path) => (path.startsWith(API) ? path.slice(API.length) : path);
  const NUMERIC = ["integer", "money", "percent"];

  // A served path with its {placeholders} filled from the page's params ({id}, {demand_id}, …).
  function fill(path, params) {
    return path.replace(/\{(\w+)\}/g, (_, key) => encodeURIComponent(params[key] !== undefined ? params[key] : params.id));
  }

  // One file up, with its progress: multipart (field `file`) to the field's upload path; resolves to the stored file.
  function upload(path, file, progress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", API + local(path));
      const token = KZ.token();
      if (token) xhr.setRequestHeader("Authorization", "Bearer " + token);
      xhr.upload.onprogress = (e) => e.lengthComputable && progress(Math.round((e.loaded / e.total) * 100));
      xhr.onload = () => {
        let body = null;
        try { body = JSON.parse(xhr.responseText); } catch (_) { /* not JSON: the status says it */ }
        if (xhr.status >= 200 && xhr.status < 300) resolve(body);
        else reject(new KZ.ApiError(xhr.status, body));
      };
      xhr.onerror = () => reject(new Error("上传失败，请检查网络"));
      const form = new FormData();
      form.append("file", file);
      xhr.send(form);
    });
  }

  // A reference list (choices_source) as picker options: tech fields and regions by code and name, loaded a level
  // at a time; anything else (say /api/v1/enterprises) as its items' id and name.
  async function options(source, parent) {
    const query = parent ? (source.includes("?") ? "&" : "?") + "parent=" + encodeURIComponent(parent) : "";
    const data = await KZ.api(local(source) + query);
    return (data.items || data).map((item) => {
      const idKey = Object.keys(item).find((k) => k.endsWith("_id"));
      const value = item.value !== undefined ? item.value : item.code !== undefined ? item.code : item.id !== undefined ? item.id : item[idKey];
      const option = { text: item.label || item.name || item.full_name || String(value), value };
      if (item.has_children) option.children = [];
      return option;
    });
  }

  // The served types the widgets below draw with another's: one file is a files field of one; a reference pick
  // (an id from a list such as /api/v1/enterprises) is a choice; a list of names is typed one per line.
  function drawn(field) {
    const f = { ...field };
    if (f.type === "file") Object.assign(f, { type: "files", max_items: 1 });
    else if (f.choices_source && !["tech_fields", "region", "choice", "multi_choice", "ids"].includes(f.type)) f.type = "choice";
    if (f.fields) f.fields = f.fields.map(drawn);
    return f;
  }

  function blank(field) {
    if (field.type === "group") {
      return Array.from({ length: field.min_items || 0 }, () => blankGroup(field.fields));
    }
    if (["multi_choice", "tech_fields", "files", "ids"].includes(field.type)) return [];
    if (field.type === "boolean") return false;
    return "";
  }
  function blankGroup(fields) {
    const model = {};
    for (const f of fields) model[f.name] = blank(f);
    return reactive(model);
  }
  const shown = (field, model) => !field.when || field.when.in.includes(model[field.when.field]);

  // What the API receives: typed numbers × scale, dates as ISO text, files as their ids; hidden and empty left out.
  function bodyOf(fields, model) {
    const body = {};
    for (const f of fields) {
      if (!shown(f, model)) continue;
      let v = model[f.name];
      if (f.type === "group") v = v.map((item) => bodyOf(f.fields, item));
      else if (NUMERIC.includes(f.type)) v = v === "" || v === null ? null : Math.round(Number(v) * (f.scale || 1));
      else if (f.type === "files") {
        const ids = v.filter((x) => x.stored).map((x) => x.stored.id);
        v = f.max_items === 1 ? (ids.length ? ids[0] : null) : ids;
      } else if (f.type === "tech_fields") v = v.map((x) => x.value);
      else if (f.type === "texts") v = String(v || "").split("\n").map((x) => x.trim()).filter(Boolean);
      else if (f.type === "region" || (f.type === "choice" && v && typeof v === "object")) v = v ? v.value : null;
      if (v === "" || v === null || (Array.isArray(v) && !v.length && f.type !== "group")) continue;
      body[f.name] = v;
    }
    return body;
  }

  // One field of the declaration, bound to model[field.name]; errors[name] is the API's message for it.
  const KzField = {
    name: "KzField",
    props: ["field", "model", "errors"],
    data() { return { picking: false, pickerValue: [], timeValue: [], options: [], cascade: "", uploads: 0 }; },
    computed: {
      f() { return this.field; },
      error() { return this.errors[this.f.name] || ""; },
      choiceLabel() {
        const v = this.model[this.f.name];
        if (v && typeof v === "object") return v.text;
        const c = (this.f.choices || []).find((x) => x.value === v);
        return c ? c.label : "";
      },
      columns() { return (this.f.choices || []).map((c) => ({ text: c.label, value: c.value })); },
      // Checkboxes: the declared choices, or (records picked by id) the choices_source's items.
      boxes() { return this.f.choices || this.options.map((o) => ({ value: o.value, label: o.text })); },
      checked: {
        get() { return this.model[this.f.name]; },
        set(v) { this.model[this.f.name] = v; },
      },
      accept() { return this.f.file && this.f.file.accept ? this.f.file.accept.join(",") : "*"; },
      hint() {
        const parts = [];
        if (this.f.help) parts.push(this.f.help);
        if (this.f.type === "texts") parts.push("每行填写一个");
        if (this.f.max_items && this.f.type !== "group") parts.push(`最多${this.f.max_items}项`);
        if (this.f.file && this.f.file.max_bytes) parts.push(`单个文件不超过${Math.round(this.f.file.max_bytes / 1048576)}MB`);
        return parts.join("；");
      },
    },
    async created() {
      if (this.f.type === "ids" && this.f.choices_source) {
        try { this.options = await options(this.f.choices_source); } catch (err) { KZ.fail(err); }
      }
    },
    methods: {
      time: KZ.time,
      // A group item's errors, by its own field names (the API names them `group[0].name`).
      itemErrors(i) {
        const prefix = `${this.f.name}[${i}].`;
        const out = {};
        for (const [key, message] of Object.entries(this.errors)) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = message;
        return out;
      },
      async open() {
        if (this.f.type === "date" || this.f.type === "datetime") {
          // Picked and shown in Beijing time, whatever the phone's zone (a plain date is taken as written).
          const kept = this.model[this.f.name];
          const b = kept && /^\d{4}-\d{2}-\d{2}$/.test(kept)
            ? Object.fromEntries(["year", "month", "day"].map((k, i) => [k, kept.split("-")[i]]))
            : KZ.beijing(kept ? new Date(kept) : new Date());
          this.pickerValue = [b.year, b.month, b.day];
          this.timeValue = [b.hour || "09", b.minute || "00"];
        }
        if (["tech_fields", "region"].includes(this.f.type) || (this.f.type === "choice" && this.f.choices_source)) {
          try { this.options = await options(this.f.choices_source); } catch (err) { KZ.fail(err); return; }
        }
        this.picking = true;
      },
      pickChoice({ selectedOptions }) {
        const o = selectedOptions[0];
        this.model[this.f.name] = this.f.choices_source ? { value: o.value, text: o.text } : o.value;
        this.picking = false;
      },
      pickDate() {
        const [y, m, d] = this.pickerValue;
        if (this.f.type === "date") this.model[this.f.name] = `${y}-${m}-${d}`;
        else {
          const [hh, mm] = this.timeValue;
          this.model[this.f.name] = `${y}-${m}-${d}T${hh}:${mm}:00+08:00`; // Beijing time, as picked
        }
        this.picking = false;
      },
      async loadChildren({ selectedOptions }) {
        const last = selectedOptions[selectedOptions.length - 1];
        if (last.children && !last.children.length) {
          try { last.children = await options(this.f.choices_source, last.value); } catch (err) { KZ.fail(err); }
        }
      },
      finishCascade({ selectedOptions }) {
        const last = selectedOptions[selectedOptions.length - 1];
        const picked = { value: last.value, text: selectedOptions.map((o) => o.text).join(" / ") };
        if (this.f.type === "region") this.model[this.f.name] = picked;
        else {
          const list = this.model[this.f.name];
          if (this.f.max_items && list.length >= this.f.max_items) vant.showToast(`${this.f.label}最多${this.f.max_items}项`);
          else if (!list.some((x) => x.value === picked.value)) list.push(picked);
        }
        this.picking = false;
      },
      removeAt(i) { this.model[this.f.name].splice(i, 1); },
      async afterRead(items) {
        for (const item of [].concat(items)) {
          item.status = "uploading";
          item.message = "0%";
          this.uploads++;
          try {
            item.stored = await upload(this.f.upload.path, item.file, (p) => { item.message = p + "%"; });
            item.status = "done";
            item.message = "";
          } catch (err) {
            item.status = "failed";
            item.message = "上传失败";
            KZ.fail(err);
          } finally { this.uploads--; }
        }
      },
      oversize() { vant.showToast(`文件不能超过${Math.round(this.f.file.max_bytes / 1048576)}MB`); },
      addItem() { this.model[this.f.name].push(blankGroup(this.f.fields)); },
      removeItem(i) { this.model[this.f.name].splice(i, 1); },
    },
    template: `
      <div class="kz-field" :data-field="f.name">
        <template v-if="['text', 'textarea', 'texts', 'mobile', 'email'].includes(f.type)">
          <van-field v-model="model[f.name]" :name="f.name" :label="f.label" :required="f.required"
            :type="['textarea', 'texts'].includes(f.type) ? 'textarea' : f.type === 'mobile' ? 'tel' : f.type === 'email' ? 'email' : 'text'"
            :autosize="['textarea', 'texts'].includes(f.type)" :rows="['textarea', 'texts'].includes(f.type) ? 3 : undefined"
            :maxlength="f.max_length || undefined" :show-word-limit="!!f.max_length" :placeholder="'请输入' + f.label"
            :error-message="error" />
        </template>
        <van-field v-else-if="['integer', 'money', 'percent'].includes(f.type)" v-model="model[f.name]" :name="f.name"
          :label="f.label" :required="f.required" :type="f.type === 'integer' ? 'digit' : 'number'"
          :placeholder="'请输入' + f.label" :error-message="error">
          <template v-if="f.unit" #extra><span class="kz-unit">{{ f.unit }}</span></template>
        </van-field>
        <van-field v-else-if="f.type === 'boolean'" :name="f.name" :label="f.label" :error-message="error">
          <template #input><van-switch v-model="checked" /></template>
        </van-field>
        <van-field v-else-if="['multi_choice', 'ids'].includes(f.type)" :name="f.name" :label="f.label" :required="f.required" :error-message="error">
          <template #input>
            <van-checkbox-group v-model="checked" :max="f.max_items || 0" direction="horizontal">
              <van-checkbox v-for="c in boxes" :key="c.value" :name="c.value" shape="square">{{ c.label }}</van-checkbox>
            </van-checkbox-group>
          </template>
        </van-field>
        <template v-else-if="['choice', 'date', 'datetime', 'region'].includes(f.type)">
          <van-field :model-value="f.type === 'choice' ? choiceLabel : f.type === 'region' ? (model[f.name] && model[f.name].text) : f.type === 'datetime' ? time(model[f.name]) : model[f.name]"
            :name="f.name" :label="f.label" :required="f.required" readonly is-link :placeholder="'请选择' + f.label"
            :error-message="error" @click="open" />
          <van-popup v-model:show="picking" position="bottom" round teleport="body">
            <van-picker v-if="f.type === 'choice' && !f.choices_source" :title="f.label" :columns="columns" @confirm="pickChoice" @cancel="picking = false" />
            <van-picker v-else-if="f.type === 'choice'" :title="f.label" :columns="options" @confirm="pickChoice" @cancel="picking = false" />
            <van-date-picker v-else-if="f.type === 'date'" v-model="pickerValue" :title="f.label" :min-date="new Date(2000, 0, 1)" :max-date="new Date(2100, 11, 31)" @confirm="pickDate" @cancel="picking = false" />
            <van-picker-group v-else-if="f.type === 'datetime'" :title="f.label" :tabs="['选择日期', '选择时间']" next-step-text="下一步" @confirm="pickDate" @cancel="picking = false">
              <van-date-picker v-model="pickerValue" :min-date="new Date(2000, 0, 1)" :max-date="new Date(2100, 11, 31)" />
              <van-time-picker v-model="timeValue" />
            </van-picker-group>
            <van-cascader v-else v-model="cascade" :title="f.label" :options="options" @change="loadChildren" @finish="finishCascade" @close="picking = false" />
          </van-popup>
        </template>
        <template v-else-if="f.type === 'tech_fields'">
          <van-field :name="f.name" :label="f.label" :required="f.required" is-link readonly :placeholder="model[f.name].length ? '' : '请选择' + f.label" :error-message="error" @click="open">
            <template #input>
              <div class="kz-tags"><van-tag v-for="(t, i) in model[f.name]" :key="t.value" closeable size="medium" type="primary" @close.stop="removeAt(i)">{{ t.text }}</van-tag></div>
            </template>
          </van-field>
          <van-popup v-model:show="picking" position="bottom" round teleport="body">
            <van-cascader v-model="cascade" :title="f.label" :options="options" @change="loadChildren" @finish="finishCascade" @close="picking = false" />
          </van-popup>
        </template>
        <van-field v-else-if="f.type === 'files'" :name="f.name" :label="f.label" :required="f.required" :error-message="error">
          <template #input>
            <van-uploader v-model="model[f.name]" :after-read="afterRead" :max-count="f.max_items || 9" :accept="accept"
              :max-size="f.file && f.file.max_bytes ? f.file.max_bytes : Infinity" multiple @oversize="oversize" />
          </template>
        </van-field>
        <div v-else-if="f.type === 'group'" class="kz-group">
          <div class="kz-group-title">{{ f.label }}<span v-if="f.required" class="kz-required">*</span></div>
          <div v-for="(item, i) in model[f.name]" :key="i" class="kz-group-item">
            <div class="kz-group-head">{{ f.label }} {{ i + 1 }}
              <van-button v-if="model[f.name].length > (f.min_items || 0)" size="mini" plain type="danger" native-type="button" @click="removeItem(i)">删除</van-button>
            </div>
            <template v-for="sub in f.fields" :key="sub.name">
              <KzField v-if="!sub.when || sub.when.in.includes(item[sub.when.field])" :field="sub" :model="item" :errors="itemErrors(i)" />
            </template>
          </div>
          <van-button v-if="!f.max_items || model[f.name].length < f.max_items" size="small" icon="plus" plain type="primary" native-type="button" class="kz-group-add" @click="addItem">添加{{ f.label }}</van-button>
          <div v-if="error" class="kz-error">{{ error }}</div>
        </div>
        <div v-if="hint && f.type !== 'group'" class="kz-hint">{{ hint }}</div>
      </div>`,
  };

  KZ.FormField = KzField; // one field alone, for a page's own filters (same pickers, same look)
  KZ.upload = upload; // one file up with its progress, outside a form (the expert import)

  // <kz-form name="demand" :params="{id}" @done="…">: loads the declaration, renders it, submits it.
  KZ.Form = {
    components: { KzField },
    props: {
      name: { type: String, required: true },
      params: { type: Object, default: () => ({}) },
      initial: { type: Object, default: () => ({}) }, // values the page already knows (shown, still editable)
      extra: { type: Object, default: () => ({}) }, // added to the body as is (say the docking staff member)
      submitText: { type: String, default: "提交" },
    },
    emits: ["done", "loaded"],
    data() { return { form: null, model: null, errors: {}, busy: false, failure: "" }; },
    async created() {
      try {
        const served = await KZ.api("/forms/" + encodeURIComponent(this.name));
        this.form = { ...served, fields: served.fields.map(drawn) };
        const model = {};
        for (const f of this.form.fields) model[f.name] = blank(f);
        Object.assign(model, this.initial);
        this.model = reactive(model);
        this.$emit("loaded", this.form);
      } catch (err) { this.failure = err.message; }
    },
    computed: {
      // Fields in order, each with the section heading to show above it (when the section changes).
      rows() {
        let last = null;
        return this.form.fields.filter((f) => shown(f, this.model)).map((f) => {
          const heading = f.section && f.section !== last ? f.section : null;
          last = f.section || last;
          return { f, heading };
        });
      },
    },
    methods: {
      uploading() { return this.form.fields.some((f) => f.type === "files" && this.model[f.name].some((x) => x.status === "uploading")); },
      async send(draft) {
        if (this.uploading()) { vant.showToast("文件正在上传，请稍候"); return; }
        const body = { ...bodyOf(this.form.fields, this.model), ...this.extra };
        if (draft) body.draft = true;
        this.busy = true;
        this.errors = {};
        try {
          const answer = await KZ.api(local(fill(this.form.submit.path, this.params)), { method: this.form.submit.method, body });
          vant.showToast(draft ? "草稿已保存" : "提交成功");
          this.$emit("done", answer, draft);
        } catch (err) {
          this.mark(err);
        } finally { this.busy = false; }
      },
      // The house error names one field; invalid_form names several: each message goes under its field.
      mark(err) {
        const errors = {};
        for (const item of err.fields || []) errors[item.field] = item.message;
        if (err.field) errors[err.field] = err.message;
        this.errors = errors;
        KZ.fail(err);
        this.$nextTick(() => {
          const first = this.$el.querySelector && this.$el.querySelector(".van-field__error-message, .kz-error");
          if (first) first.scrollIntoView({ block: "center" });
        });
      },
    },
    template: `
      <div class="kz-formview" :data-form="name">
        <van-empty v-if="failure" image="error" :description="failure" />
        <van-loading v-else-if="!form" class="kz-boot" />
        <van-form v-else class="kz-form" @submit="send(false)">
          <template v-for="row in rows" :key="row.f.name">
            <div v-if="row.heading" class="kz-section">{{ row.heading }}</div>
            <van-cell-group inset><KzField :field="row.f" :model="model" :errors="errors" /></van-cell-group>
          </template>
          <div v-if="form.rules && form.rules.length" class="kz-hint kz-rules"><div v-for="r in form.rules" :key="r.code">{{ r.message }}</div></div>
          <div class="kz-actions">
            <van-button round block type="primary" native-type="submit" :loading="busy" data-testid="submit">{{ submitText }}</van-button>
            <van-button v-if="form.draft" round block plain type="primary" native-type="button" class="kz-second" :disabled="busy" data-testid="draft" @click="send(true)">保存草稿</van-button>
          </div>
        </van-form>
      </div>`,
  };
})();
