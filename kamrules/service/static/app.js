// The page of kam serve: an account in (a form made from the account schema, pasted text or a
// file), its advice out as the text output shows it; a portfolio in, its HTML report out.
// Every text from the server or the user goes into the page as text (textContent), never as
// markup: account names, messages and file names are treated as hostile.
"use strict";

(function () {
  const config = JSON.parse(document.getElementById("kam-config").textContent);
  const WORDS = {
    en: {
      tagline: "Which tier, profile, strategy and treatment an account deserves.",
      api_key: "API key", account: "An account", tab_form: "Fill in", tab_paste: "Paste", tab_upload: "Upload",
      more_facts: "More facts", advise: "Advise", paste_label: "An account as YAML, JSON or one CSV row with its header",
      upload_label: "A file with one account (YAML, JSON, CSV, JSON Lines)", portfolio: "A portfolio",
      portfolio_label: "A portfolio file (CSV, XLSX, JSON Lines, YAML or JSON list)", open_report: "Open the report",
      footer: "kamrules service · the API:", working: "Working…", empty: "Give an account first.",
      no_file: "Choose a file first.", report_opened: "The report opened in a new tab.",
      report_blocked: "The browser blocked the new tab: ", download: "download the report",
      rejected: "rows could not be advised", more_rows: "more accounts in the answer (only the first is shown)",
      choose: "—", as_of: "As of",
    },
    it: {
      tagline: "Quale livello, profilo, strategia e trattamento merita un account.",
      api_key: "Chiave API", account: "Un account", tab_form: "Compila", tab_paste: "Incolla", tab_upload: "Carica",
      more_facts: "Altri dati", advise: "Consiglia", paste_label: "Un account in YAML, JSON o una riga CSV con l'intestazione",
      upload_label: "Un file con un account (YAML, JSON, CSV, JSON Lines)", portfolio: "Un portafoglio",
      portfolio_label: "Un file di portafoglio (CSV, XLSX, JSON Lines, elenco YAML o JSON)", open_report: "Apri il report",
      footer: "servizio kamrules · l'API:", working: "Elaborazione…", empty: "Indica prima un account.",
      no_file: "Scegli prima un file.", report_opened: "Il report si è aperto in una nuova scheda.",
      report_blocked: "Il browser ha bloccato la nuova scheda: ", download: "scarica il report",
      rejected: "righe non consigliate", more_rows: "altri account nella risposta (si mostra solo il primo)",
      choose: "—", as_of: "Al",
    },
  };
  // The main facts first, with their names in both languages; the rest keep the schema's.
  const MAIN = [
    ["id", "Id", "Codice"], ["name", "Name", "Ragione sociale"], ["sector", "Sector", "Settore"],
    ["business.revenue", "Our revenue with it (12 months)", "Nostro fatturato con l'account (12 mesi)"],
    ["business.potential_revenue", "Potential revenue", "Fatturato potenziale"],
    ["business.margin_pct", "Margin (0.22 = 22%)", "Margine (0,22 = 22%)"],
    ["business.share_of_wallet", "Share of wallet (fraction)", "Quota del portafoglio (frazione)"],
    ["business.cost_to_serve", "Cost to serve", "Costo di servizio"],
    ["business.contract_end", "Contract end", "Fine del contratto"],
    ["relationship.stage", "Relationship stage", "Fase della relazione"],
    ["relationship.loyalty", "Loyalty", "Fedeltà"], ["relationship.satisfaction", "Satisfaction", "Soddisfazione"],
    ["relationship.price_sensitivity", "Price sensitivity", "Sensibilità al prezzo"],
    ["assessment.current_contribution", "Current contribution (1–10)", "Contributo attuale (1–10)"],
    ["assessment.potential_contribution", "Potential contribution (1–10)", "Contributo potenziale (1–10)"],
    ["assessment.attractiveness", "Attractiveness (1–10)", "Attrattività (1–10)"],
    ["assessment.relative_strength", "Relative strength (1–10)", "Forza relativa (1–10)"],
    ["assessment.profile", "Manual profile", "Profilo manuale"],
  ];
  const state = { lang: "en", last: null, schema: null };
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value; else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function t(key) { return WORDS[state.lang][key] || WORDS.en[key] || key; }

  function applyLanguage() {
    document.documentElement.lang = state.lang;
    document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = t(node.dataset.t); });
    for (const lang of ["en", "it"]) $("lang-" + lang).setAttribute("aria-pressed", String(lang === state.lang));
    document.querySelectorAll("[data-main]").forEach((label) => {
      const entry = MAIN.find((m) => m[0] === label.dataset.main);
      if (entry) label.textContent = state.lang === "it" ? entry[2] : entry[1];
    });
  }

  function headers(extra) {
    const out = Object.assign({ "Accept-Language": state.lang }, extra || {});
    const key = $("api-key").value.trim();
    if (key) out.Authorization = "Bearer " + key;
    return out;
  }

  async function call(path, options) {
    const answer = await fetch(path, Object.assign({}, options, { headers: headers(options && options.headers) }));
    if (answer.status === 401) $("key-box").hidden = false;
    return answer;
  }

  function asOf() {
    const day = $("as-of").value;
    return day ? "&as_of=" + encodeURIComponent(day) : "";
  }

  // --- the form, made from the account schema ---------------------------------------------
  function resolve(schema, node) {
    let current = node || {};
    if (current.$ref) current = schema.$defs[current.$ref.split("/").pop()];
    if (current.anyOf) {
      const real = current.anyOf.find((option) => option.type !== "null");
      current = Object.assign({}, resolve(schema, real), { description: current.description || (real || {}).description });
    }
    return current;
  }

  function leaves(schema, node, prefix, out) {
    const resolved = resolve(schema, node);
    for (const [name, prop] of Object.entries(resolved.properties || {})) {
      const path = prefix ? prefix + "." + name : name;
      const field = resolve(schema, prop);
      if (field.type === "object" && field.properties) leaves(schema, field, path, out);
      else if (["string", "number", "integer", "boolean"].includes(field.type) || field.enum) out.push([path, field, prop]);
    }
    return out;
  }

  function input(path, field) {
    const id = "f-" + path.replace(/\./g, "-");
    let control;
    if (field.enum) {
      control = el("select", { id, name: path }, el("option", { value: "" }, t("choose")));
      field.enum.forEach((value) => control.append(el("option", { value }, value)));
    } else if (field.type === "boolean") {
      control = el("select", { id, name: path, "data-type": "boolean" }, el("option", { value: "" }, t("choose")),
        el("option", { value: "true" }, "true"), el("option", { value: "false" }, "false"));
    } else {
      const type = field.type === "number" || field.type === "integer" ? "number" : field.format === "date" ? "date" : "text";
      control = el("input", { id, name: path, type, "data-type": field.type });
      if (type === "number") control.setAttribute("step", "any");
    }
    const main = MAIN.find((m) => m[0] === path);
    const label = el("label", { for: id, "data-main": main ? path : "" }, main ? main[1] : path);
    const wrap = el("div", { class: "field" }, label, control);
    if (field.description && !main) wrap.append(el("small", {}, field.description));
    if (main) wrap.append(el("small", {}, path));
    return wrap;
  }

  async function buildForm() {
    const answer = await call("/v1/schema/account");
    if (!answer.ok) { await showProblem(answer, $("problem")); return; }
    const schema = await answer.json();
    const found = leaves(schema, schema, "", []);
    const byPath = Object.fromEntries(found.map(([path, field]) => [path, field]));
    for (const [path] of MAIN) if (byPath[path]) $("main-facts").append(input(path, byPath[path]));
    for (const [path, field] of found) if (!MAIN.some((m) => m[0] === path)) $("other-facts").append(input(path, field));
    applyLanguage();
  }

  function formFacts() {
    const facts = {};
    document.querySelectorAll("#panel-form [name]").forEach((control) => {
      const raw = control.value.trim();
      if (raw === "") return;
      let value = raw;
      const type = control.dataset.type;
      if (type === "number" || type === "integer") value = Number(raw);
      else if (type === "boolean") value = raw === "true";
      const keys = control.name.split(".");
      let target = facts;
      keys.slice(0, -1).forEach((key) => { target = target[key] = target[key] || {}; });
      target[keys[keys.length - 1]] = value;
    });
    return facts;
  }

  // --- asking for advice and showing it --------------------------------------------------
  async function advise(body, contentType) {
    state.last = { body, contentType };
    $("problem").hidden = true;
    $("advice").replaceChildren(el("p", {}, t("working")));
    const options = { method: "POST", body };
    if (contentType) options.headers = { "Content-Type": contentType };
    const answer = await call("/v1/advise?explain=true&lang=" + state.lang + asOf(), options);
    $("advice").replaceChildren();
    if (!answer.ok) { await showProblem(answer, $("problem")); return; }
    const type = answer.headers.get("Content-Type") || "";
    if (type.startsWith("application/x-ndjson")) {
      const lines = (await answer.text()).split("\n").filter((line) => line.trim()).map((line) => JSON.parse(line));
      const rows = lines.filter((line) => line.row !== undefined);
      const problems = rows.filter((row) => row.problem);
      if (problems.length) renderProblem(problems[0].problem, $("problem"));
      const advices = rows.filter((row) => row.advice).map((row) => row.advice);
      if (advices.length) renderAdvice(advices[0], advices.length - 1);
      return;
    }
    const data = await answer.json();
    const advices = Array.isArray(data) ? data : [data];
    if (advices.length) renderAdvice(advices[0], advices.length - 1);
  }

  function renderAdvice(a, more) {
    const words = config.words[a.lang] || config.words.en;
    const w = words.words;
    const box = el("article", { class: "advice", id: "advice-card" });
    box.append(el("h3", {}, a.account.name + " (" + a.account.id + ")"), el("div", { class: "asof" }, w.as_of + " " + a.as_of));
    const decisions = el("dl", { class: "decisions" });
    for (const key of ["tier", "profile", "strategy"]) {
      const value = a[key] ? (a.labels[key] || a[key]) : null;
      let shown = value === null ? el("span", { class: "undecided" }, w.undecided) : value;
      if (key === "profile" && a.profile && a.profile_source) {
        shown = el("span", {}, value, el("span", { class: "where" }, "  (" + w.from + " " + (words.profile_source[a.profile_source] || a.profile_source) + ")"));
      }
      decisions.append(el("dt", {}, w[key]), el("dd", { id: "advice-" + key }, shown));
    }
    box.append(decisions);
    if (a.treatment) {
      const table = el("table", { class: "treatment" });
      for (const key of words.treatment_keys) {
        const value = a.treatment[key];
        table.append(el("tr", {}, el("th", {}, words.rows[key] || key), el("td", {}, Array.isArray(value) ? value.join("; ") : value)));
      }
      box.append(el("h4", {}, w.treatment), table);
    }
    box.append(el("h4", {}, w.levers));
    if (!a.levers.length) box.append(el("p", {}, w.no_levers));
    else box.append(el("ul", {}, ...a.levers.map((l) => el("li", {}, el("strong", {}, l.label), el("br"), l.why))));
    box.append(el("h4", {}, w.warnings));
    if (!a.warnings.length) box.append(el("p", {}, w.no_warnings));
    else {
      box.append(el("ul", { class: "warnings" }, ...a.warnings.map((x) => el("li", {},
        el("span", { class: "sev sev-" + x.severity }, words.severity[x.severity] || x.severity),
        el("span", { class: "code" }, x.code), " ", el("strong", {}, x.title || ""), el("br"), x.message))));
    }
    const why = el("details", { id: "advice-why" }, el("summary", {}, w.trace));
    why.append(el("ul", {}, ...a.trace.map((e) => el("li", {}, el("span", { class: "code" }, e.rule), ": " + e.because,
      e.file ? el("span", { class: "where" }, " [" + e.file + ":" + e.line + "]") : null))));
    box.append(why);
    if (a.why_not && a.why_not.length) {
      const whyNot = el("details", { id: "advice-why-not" }, el("summary", {}, w.why_not));
      whyNot.append(el("ul", {}, ...a.why_not.map((m) => el("li", {}, m.because + " (" + m.rule + ")",
        m.file ? el("span", { class: "where" }, " [" + m.file + ":" + m.line + "]") : null))));
      box.append(whyNot);
    }
    box.append(el("p", { class: "rules" }, w.ruleset + ": " + a.ruleset.name + " " + a.ruleset.version + " " + a.ruleset.digest.slice(0, 19)));
    if (more > 0) box.append(el("p", { class: "where" }, more + " " + t("more_rows")));
    $("advice").replaceChildren(box);
  }

  async function showProblem(answer, target) {
    let problem;
    try { problem = await answer.json(); } catch (error) { problem = { title: answer.status + " " + answer.statusText }; }
    renderProblem(problem, target);
  }

  function renderProblem(problem, target) {
    const list = el("ul", {}, ...(problem.errors || []).map((e) => {
      const where = [e.file, e.line, e.column].filter((part) => part !== null && part !== undefined).join(":");
      return el("li", {}, (where ? where + ": " : "") + (e.path ? e.path + ": " : "") + e.code + " " + e.message);
    }));
    target.replaceChildren(el("strong", {}, problem.title || ""), el("div", { class: "detail" }, problem.detail || ""), list);
    target.hidden = false;
  }

  // --- the portfolio's report ------------------------------------------------------------
  async function openReport(event) {
    event.preventDefault();
    const file = $("portfolio-file").files[0];
    $("portfolio-problem").hidden = true;
    if (!file) { renderProblem({ title: t("no_file") }, $("portfolio-problem")); return; }
    $("portfolio-result").textContent = t("working");
    const form = new FormData();
    form.append("portfolio", file, file.name);
    const answer = await call("/v1/portfolio?lang=" + state.lang + asOf(), { method: "POST", body: form, headers: { Accept: "text/html" } });
    $("portfolio-result").textContent = "";
    if (!answer.ok) { await showProblem(answer, $("portfolio-problem")); return; }
    const url = URL.createObjectURL(new Blob([await answer.text()], { type: "text/html" }));
    const link = el("a", { href: url, download: "portfolio-report.html", id: "report-link" }, t("download"));
    const opened = window.open(url, "_blank", "noopener");
    $("portfolio-result").replaceChildren(opened === null ? t("report_blocked") : t("report_opened") + " ", link);
  }

  // --- wiring ------------------------------------------------------------------------------
  function showTab(name) {
    for (const tab of ["form", "paste", "upload"]) {
      $("tab-" + tab).setAttribute("aria-selected", String(tab === name));
      $("panel-" + tab).hidden = tab !== name;
    }
  }

  function start() {
    $("key-box").hidden = !config.auth;
    for (const tab of ["form", "paste", "upload"]) $("tab-" + tab).addEventListener("click", () => showTab(tab));
    for (const lang of ["en", "it"]) {
      $("lang-" + lang).addEventListener("click", () => {
        state.lang = lang;
        applyLanguage();
        if (state.last) advise(state.last.body, state.last.contentType);
      });
    }
    $("panel-form").addEventListener("submit", (event) => {
      event.preventDefault();
      advise(JSON.stringify(formFacts()), "application/json");
    });
    $("panel-paste").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = $("paste-text").value;
      if (!text.trim()) { renderProblem({ title: t("empty") }, $("problem")); return; }
      advise(text, "text/plain");  // the service tells YAML, JSON, CSV and JSON Lines apart by content
    });
    $("panel-upload").addEventListener("submit", (event) => {
      event.preventDefault();
      const file = $("account-file").files[0];
      if (!file) { renderProblem({ title: t("no_file") }, $("problem")); return; }
      const form = new FormData();
      form.append("accounts", file, file.name);
      advise(form, null);
    });
    $("portfolio-form").addEventListener("submit", openReport);
    showTab("form");
    applyLanguage();
    buildForm();
  }

  start();
})();
