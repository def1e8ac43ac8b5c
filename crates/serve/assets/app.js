// The page: pick or paste a scenario, see its errors at their lines, choose reforms, run,
// follow the progress (server-sent events), read and download the report.
"use strict";

const api = "/api/v1";
const $ = (id) => document.getElementById(id);
const token = sessionStorage.getItem("bordersim-token");
const headers = (extra) => Object.assign(token ? { Authorization: "Bearer " + token } : {}, extra || {});
let currentFile = "input.toml";
let job = null;
let source = null;
let validateTimer = null;

async function getJson(url, options) {
  const response = await fetch(url, Object.assign({ headers: headers() }, options || {}));
  if (response.status === 401 && !token) {
    const given = prompt("This server needs an access token:");
    if (given) { sessionStorage.setItem("bordersim-token", given); location.reload(); }
  }
  const body = await response.json();
  return { status: response.status, body };
}

function renderGutter(errorLines) {
  const lines = $("editor").value.split("\n").length;
  const gutter = $("gutter");
  gutter.textContent = "";
  for (let i = 1; i <= lines; i++) {
    const span = document.createElement("span");
    span.textContent = i + "\n";
    span.dataset.line = i;
    if (errorLines.has(i)) span.className = "error-line";
    gutter.appendChild(span);
  }
  gutter.scrollTop = $("editor").scrollTop;
}

function goToLine(line) {
  const editor = $("editor");
  const lines = editor.value.split("\n");
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  editor.focus();
  editor.setSelectionRange(offset, offset + (lines[line - 1] || "").length);
}

async function validate() {
  const text = $("editor").value;
  const { status, body } = await getJson(api + "/validate?file=" + encodeURIComponent(currentFile), {
    method: "POST", headers: headers({ "Content-Type": "application/toml" }), body: text,
  });
  const list = $("errors");
  list.textContent = "";
  const errorLines = new Set();
  const validity = $("validity");
  if (status !== 200) {
    validity.textContent = body.error ? body.error.message : "cannot validate";
    validity.className = "status bad";
    renderGutter(errorLines);
    return false;
  }
  const own = (d) => d.file === currentFile;
  for (const d of body.errors) {
    if (own(d)) errorLines.add(d.line);
    const li = document.createElement("li");
    li.className = "error";
    li.dataset.line = d.line;
    li.textContent = `line ${d.line}, column ${d.column}: ${d.path ? d.path + ": " : ""}${d.message}` + (own(d) ? "" : ` (in ${d.file})`);
    if (own(d)) li.onclick = () => goToLine(d.line);
    list.appendChild(li);
  }
  for (const d of body.warnings) {
    const li = document.createElement("li");
    li.className = "warning";
    li.textContent = `warning, line ${d.line}: ${d.message}`;
    list.appendChild(li);
  }
  validity.textContent = body.valid ? "✓ " + body.summary : `✗ ${body.errors.length} problem(s)`;
  validity.className = "status " + (body.valid ? "ok" : "bad");
  renderGutter(errorLines);
  return body.valid;
}

function scheduleValidate() {
  renderGutter(new Set());
  clearTimeout(validateTimer);
  validateTimer = setTimeout(validate, 400);
}

async function loadExample(name) {
  if (!name) return;
  const response = await fetch(api + "/configs/" + name, { headers: headers() });
  $("editor").value = await response.text();
  currentFile = name;
  await validate();
}

async function init() {
  const { body } = await getJson(api + "/configs");
  for (const c of body) {
    if (c.kind === "scenario" && c.name.startsWith("examples/")) {
      const option = document.createElement("option");
      option.value = c.name;
      option.textContent = c.name.replace("examples/", "").replace(".toml", "").replaceAll("_", " ");
      $("example").appendChild(option);
    }
    if (c.kind === "policy" && c.name.startsWith("policies/")) {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = c.name;
      box.className = "policy";
      label.appendChild(box);
      label.append(" " + c.name.replace("policies/", "").replace(".toml", "").replaceAll("_", " "));
      $("policies").appendChild(label);
    }
  }
  $("example").onchange = (e) => loadExample(e.target.value);
  $("upload").onchange = async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    $("editor").value = await file.text();
    currentFile = "input.toml";
    $("example").value = "";
    await validate();
  };
  $("editor").addEventListener("input", () => {
    if ($("example").value) { currentFile = $("example").value; }
    scheduleValidate();
  });
  $("editor").addEventListener("scroll", () => { $("gutter").scrollTop = $("editor").scrollTop; });
  $("run").onclick = run;
  $("cancel").onclick = async () => { if (job) await getJson(`${api}/jobs/${job}/cancel`, { method: "POST" }); };
  renderGutter(new Set());
  document.body.dataset.ready = "true";
}

function setProgress(s) {
  const bar = $("progress");
  if (s.total > 0) { bar.max = s.total; bar.value = s.done; }
  let text = `${s.state}: ${s.done}/${s.total} replications`;
  if (s.iteration) text = `${s.state}: iteration ${s.iteration}/${s.max_iterations}, gap ${s.gap.toFixed(4)}`;
  if (s.error) text += " — " + s.error;
  $("progress-text").textContent = text;
}

async function run() {
  if (!(await validate())) return;
  const policies = [...document.querySelectorAll("input.policy:checked")].map((b) => ({ name: b.value }));
  const request = {
    kind: policies.length ? "compare" : "run",
    scenario: { text: $("editor").value, file: currentFile },
    policies,
  };
  const reps = parseInt($("replications").value, 10);
  if (reps > 0) request.replications = reps;
  const seed = parseInt($("seed").value, 10);
  if (seed >= 0) request.seed = seed;
  const { status, body } = await getJson(api + "/jobs", {
    method: "POST", headers: headers({ "Content-Type": "application/json" }), body: JSON.stringify(request),
  });
  if (status !== 202) {
    $("progress-text").textContent = body.error ? body.error.message : "cannot start the job";
    return;
  }
  job = body.id;
  $("result-section").hidden = true;
  $("run").disabled = true;
  $("cancel").disabled = false;
  setProgress(body);
  if (source) source.close();
  source = new EventSource(`${api}/jobs/${job}/events` + (token ? "?access_token=" + encodeURIComponent(token) : ""));
  source.addEventListener("progress", (e) => {
    const s = JSON.parse(e.data);
    setProgress(s);
    if (["done", "failed", "cancelled"].includes(s.state)) {
      source.close();
      source = null;
      $("run").disabled = false;
      $("cancel").disabled = true;
      if (s.state === "done") showReport(s.id);
    }
  });
}

function showReport(id) {
  const auth = token ? "&access_token=" + encodeURIComponent(token) : "";
  const base = `${api}/jobs/${id}/result?format=`;
  $("report").src = base + "html" + auth;
  $("download-html").href = base + "html" + auth;
  $("download-json").href = base + "json" + auth;
  $("download-csv").href = base + "csv" + auth;
  $("result-section").hidden = false;
}

init();
