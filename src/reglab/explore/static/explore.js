// reglab explore: the page. Plain JS, no build step, nothing loaded from elsewhere.
// The whole set-up lives in the URL hash as key=value pairs (see reglab/explore/state.py);
// every control is generated from the server's schema (the variant key table and the data sets' options).
"use strict";

const TOKEN = new URLSearchParams(location.search).get("token") || "";
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
                "#7f7f7f", "#bcbd22", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd"];
const CLASS_RGB = [[47, 111, 186], [214, 69, 65], [44, 160, 44], [148, 103, 189], [255, 127, 14], [23, 190, 207]];
const $ = (id) => document.getElementById(id);

let schema = null;          // GET /api/schema
let state = null;           // the set-up: {dataset, options{}, network{}, variants[{label, settings{}}], seeds, grid, hide[]}
let job = null;             // {id, info, source, status, traces[], epoch, follow}
let changeTimers = {};

// -- server calls ---------------------------------------------------------------------------
async function api(path, options = {}) {
  const response = await fetch(path, {...options, headers: {"X-Reglab-Token": TOKEN, ...(options.headers || {})}});
  const body = await response.json().catch(() => ({error: `error: the server answered ${response.status}`}));
  if (!response.ok) throw new Error(body.error || `error: ${response.status}`);
  return body;
}
function showError(message) { const box = $("error"); box.textContent = message; box.hidden = !message; }
function say(text) { $("status").textContent = text; }

// -- the set-up and its URL ---------------------------------------------------------------------
function keyRule(key) { return schema.keys.find((k) => k.key === key); }
function datasetInfo(name) { return schema.datasets.find((d) => d.name === name) || schema.datasets[0]; }
function text(value) { return value === null ? "none" : Array.isArray(value) ? value.join(value.every(Number.isInteger) ? "x" : "/") : String(value); }

function parseSpec(spec) {
  let label = null, body = spec.trim();
  const colon = body.indexOf(":");
  if (colon >= 0 && !body.slice(0, colon).includes("=")) { label = body.slice(0, colon).trim(); body = body.slice(colon + 1).trim(); }
  const settings = {};
  let last = null;
  if (body && body !== "baseline" && body !== "default") {
    for (const item of body.split(",")) {
      if (!item.includes("=") && item.includes("@") && last) { settings[last] += "," + item; continue; }
      const eq = item.indexOf("=");
      last = item.slice(0, eq).trim();
      settings[last] = item.slice(eq + 1).trim();
    }
  }
  return {label: label || (body || "baseline"), settings};
}
function specOf(variant) {
  const body = Object.entries(variant.settings).map(([k, v]) => `${k}=${v}`).join(",");
  return body ? `${variant.label}:${body}` : (variant.label === "baseline" ? "baseline" : `${variant.label}:baseline`);
}
function defaultState() {
  const preset = schema.presets.find((p) => p.name === schema.default_preset);
  return {dataset: schema.defaults.dataset, options: {}, network: {}, variants: preset.specs.map(parseSpec),
          seeds: schema.defaults.seeds, grid: schema.defaults.grid, hide: []};
}
function readHash() {
  const s = defaultState();
  const params = new URLSearchParams(location.hash.slice(1));
  const presets = params.getAll("preset").map((name) => schema.presets.find((p) => p.name === name)).filter(Boolean);
  const specs = [...presets.flatMap((p) => p.specs), ...params.getAll("variant")];
  if (specs.length) s.variants = specs.map(parseSpec);
  for (const [key, value] of params) {
    if (key === "variant" || key === "preset") continue;
    if (key === "dataset") s.dataset = value;
    else if (key === "seeds") s.seeds = Number(value);
    else if (key === "grid") s.grid = Number(value);
    else if (key === "_hide") s.hide = value.split(",").filter(Boolean);
    else if (keyRule(key) && keyRule(key).network) s.network[key] = value;
    else s.options[key] = value;
  }
  return s;
}
function query() {
  const params = new URLSearchParams();
  params.append("dataset", state.dataset);
  for (const [k, v] of Object.entries(state.options)) params.append(k, v);
  for (const [k, v] of Object.entries(state.network)) params.append(k, v);
  for (const v of state.variants) params.append("variant", specOf(v));
  params.append("seeds", state.seeds);
  params.append("grid", state.grid);
  if (state.hide.length) params.append("_hide", state.hide.join(","));
  return params.toString();
}
function writeHash() { history.replaceState(null, "", `${location.pathname}${location.search}#${query()}`); }

// -- controls, generated from the schema ----------------------------------------------------------
function control(rule, value, onChange) {
  // One input for one variant key (or data option), by its rule: choice, bool, number (+ slider), text.
  const wrap = document.createElement("span");
  wrap.style.display = "contents";
  if (rule.kind === "choice" || rule.kind === "bool") {
    const select = document.createElement("select");
    for (const choice of rule.kind === "bool" ? ["true", "false"] : rule.choices) select.add(new Option(choice, choice));
    select.value = value; select.onchange = () => onChange(select.value);
    wrap.append(select);
    return wrap;
  }
  const input = document.createElement("input");
  input.type = "text"; input.value = value; input.title = rule.accepts || rule.help || "";
  input.onchange = () => onChange(input.value.trim());
  wrap.append(input);
  if (rule.kind === "float" && !String(value).includes("/")) {
    const slider = document.createElement("input");
    slider.type = "range"; slider.min = 0; slider.max = 100; slider.step = 1;
    const bounded = rule.high !== null && rule.high !== undefined;
    const toValue = (t) => bounded ? +(t / 100 * rule.high * (rule.closed_high ? 1 : 0.99)).toPrecision(2)
                                   : (t === 0 ? 0 : +Math.pow(10, -6 + t / 100 * 7).toPrecision(2));
    const toTick = (v) => bounded ? Math.round(v / rule.high * 100) : (v <= 0 ? 0 : Math.round((Math.log10(v) + 6) / 7 * 100));
    const current = Number(lastStep(value));
    slider.value = Number.isFinite(current) ? Math.max(0, Math.min(100, toTick(current))) : 0;
    slider.setAttribute("aria-label", rule.key || "");
    slider.oninput = () => { input.value = String(toValue(Number(slider.value))); onChange(input.value, true); };
    wrap.append(slider);
  }
  return wrap;
}
function lastStep(value) { const steps = String(value).split(","); return steps[steps.length - 1].split("@")[0]; }

function row(labelText, element, title) {
  const div = document.createElement("div");
  div.className = "row";
  const label = document.createElement("span");
  label.className = "key"; label.textContent = labelText; label.title = title || "";
  div.append(label, element);
  return div;
}

function buildControls() {
  const data = $("dataset-controls");
  data.replaceChildren();
  const select = document.createElement("select");
  for (const d of schema.datasets) select.add(new Option(d.name, d.name));
  select.value = state.dataset;
  select.onchange = () => { state.dataset = select.value; state.options = {}; changed(); buildControls(); };
  data.append(row("data set", select, datasetInfo(state.dataset).description));
  for (const option of datasetInfo(state.dataset).options) {
    const rule = {kind: typeof option.default === "boolean" ? "bool" : "text", accepts: option.help};
    const value = option.name in state.options ? state.options[option.name] : text(option.default);
    data.append(row(option.name, control(rule, value, (v) => { state.options[option.name] = v; changed(); }), option.help));
  }
  const network = $("network-controls");
  network.replaceChildren();
  for (const rule of schema.keys.filter((k) => k.network)) {
    const value = rule.key in state.network ? state.network[rule.key] : text(rule.default);
    network.append(row(rule.key, control(rule, value, (v) => { state.network[rule.key] = v; changed(); }), `${rule.help}: ${rule.accepts}`));
  }
  const seeds = $("seed-controls");
  seeds.replaceChildren();
  seeds.append(row("seeds", control({kind: "text", accepts: `1 to ${schema.limits.max_seeds}`}, String(state.seeds), (v) => { state.seeds = v; changed(); })));
  seeds.append(row("grid", control({kind: "text", accepts: `${schema.limits.min_grid} to ${schema.limits.max_grid} points per side`}, String(state.grid), (v) => { state.grid = v; changed(); })));
  const presets = $("preset-buttons");
  presets.replaceChildren();
  for (const preset of schema.presets) {
    const button = document.createElement("button");
    button.type = "button"; button.textContent = preset.name; button.title = preset.description;
    button.onclick = () => { state.variants = preset.specs.map(parseSpec); changed(); buildControls(); };
    presets.append(button);
  }
  buildVariantControls();
  for (const section of document.querySelectorAll("[data-panel]")) section.classList.toggle("hidden-panel", state.hide.includes(section.dataset.panel));
}

function buildVariantControls() {
  const box = $("variant-controls");
  box.replaceChildren();
  const perVariant = schema.keys.filter((k) => !k.network);
  state.variants.forEach((variant, i) => {
    const div = document.createElement("div");
    div.className = "variant";
    const head = document.createElement("div");
    head.className = "head";
    const swatch = document.createElement("span");
    swatch.className = "swatch"; swatch.style.background = COLORS[i % COLORS.length];
    const name = document.createElement("input");
    name.type = "text"; name.value = variant.label; name.setAttribute("aria-label", "variant name");
    name.onchange = () => { variant.label = name.value.trim() || `variant ${i + 1}`; changed(); };
    const remove = document.createElement("button");
    remove.type = "button"; remove.className = "remove"; remove.textContent = "×"; remove.title = "remove this variant";
    remove.onclick = () => { state.variants.splice(i, 1); changed(); buildVariantControls(); };
    head.append(swatch, name, remove);
    div.append(head);
    for (const [key, value] of Object.entries(variant.settings)) {
      const rule = keyRule(key) || {kind: "text", key};
      const drop = document.createElement("button");
      drop.type = "button"; drop.className = "remove"; drop.textContent = "×"; drop.title = `remove ${key}`;
      drop.onclick = () => { delete variant.settings[key]; changed(); buildVariantControls(); };
      const input = control({...rule, key}, value, (v, sliding) => setKey(i, key, v, sliding));
      input.append(drop);
      div.append(row(key, input, rule.help ? `${rule.help}: ${rule.accepts}` : ""));
    }
    const add = document.createElement("select");
    add.add(new Option("+ setting…", ""));
    for (const rule of perVariant) if (!(rule.key in variant.settings)) add.add(new Option(rule.key, rule.key));
    add.setAttribute("aria-label", "add a setting");
    add.onchange = () => {
      const rule = keyRule(add.value);
      if (!rule) return;
      variant.settings[rule.key] = rule.kind === "bool" ? "true" : rule.kind === "float" ? "0" : text(rule.default);
      changed(); buildVariantControls();
    };
    div.append(add);
    box.append(div);
  });
}

function setKey(i, key, value, sliding) {
  // Before training: the set-up changes. While training: a schedulable key is sent as a live change.
  const live = job && (job.status === "running" || job.status === "paused");
  if (!live) { state.variants[i].settings[key] = value; changed(); return; }
  const rule = keyRule(key);
  if (!rule || !rule.schedulable) { showError(`error: ${key} cannot change while training runs; press reset first.`); return; }
  clearTimeout(changeTimers[`${i}/${key}`]);
  changeTimers[`${i}/${key}`] = setTimeout(async () => {
    try { await api(`/api/jobs/${job.id}/change`, {method: "POST", body: JSON.stringify({variant: i, key, value})}); showError(""); }
    catch (error) { showError(error.message); }
  }, sliding ? 120 : 0);
}

function changed() { writeHash(); }

// -- training ---------------------------------------------------------------------------------------
async function play() {
  showError("");
  if (job && job.status === "paused") {
    job.follow = true;
    await api(`/api/jobs/${job.id}/resume`, {method: "POST"}).catch((e) => showError(e.message));
    return;
  }
  if (job && job.status === "running") return;
  await start(false);
}
async function start(paused) {
  await reset();
  let info;
  try { info = await api(`/api/jobs${paused ? "?paused=1" : ""}`, {method: "POST", body: query(), headers: {"Content-Type": "text/plain"}}); }
  catch (error) { showError(error.message); say("Not started: fix the set-up and press play."); return; }
  job = {id: info.job, info, status: info.status, traces: info.variants.map(() => ({curves: {}, grid: null, hist: null, epoch: 0})), epoch: 0, follow: true, outcome: null};
  buildCards();
  const source = new EventSource(`/api/jobs/${job.id}/events?token=${encodeURIComponent(TOKEN)}`);
  job.source = source;
  source.onmessage = (event) => onFrame(JSON.parse(event.data));
  source.addEventListener("end", () => source.close());
  source.onerror = () => { source.close(); if (job && (job.status === "running" || job.status === "paused")) showError("error: the stream from the server broke; is reglab explore still running?"); };
  updateButtons();
}
async function reset() {
  if (!job) return;
  const old = job;
  job = null;
  if (old.source) old.source.close();
  if (old.status === "running" || old.status === "paused") await api(`/api/jobs/${old.id}`, {method: "DELETE"}).catch(() => {});
  $("outcome").hidden = true; $("exported").hidden = true;
  updateButtons();
}
async function step() {
  if (!job || !(job.status === "running" || job.status === "paused")) { await start(true); }
  await api(`/api/jobs/${job.id}/step`, {method: "POST"}).catch((e) => showError(e.message));
}
async function pause() { if (job) await api(`/api/jobs/${job.id}/pause`, {method: "POST"}).catch((e) => showError(e.message)); }
async function stopVariant(i) { if (job) await api(`/api/jobs/${job.id}/stop`, {method: "POST", body: JSON.stringify({variant: i})}).catch((e) => showError(e.message)); }
async function exportRun() {
  if (!job) return;
  say("Exporting: writing the compare report, results.json, runs.sqlite and the figures…");
  try {
    const result = await api(`/api/jobs/${job.id}/export`, {method: "POST"});
    $("command").textContent = result.command;
    $("export-paths").textContent = `Report: ${result.report} · results: ${result.results}`;
    $("exported").hidden = state.hide.includes("export");
    say(`Exported to ${result.out_dir}.`);
  } catch (error) { showError(error.message); }
}

function onFrame(frame) {
  if (!job) return;
  job.status = frame.status;
  frame.variants.forEach((entry, i) => {
    const trace = job.traces[i];
    for (const [name, values] of Object.entries(entry.curves)) {
      const list = trace.curves[name] || (trace.curves[name] = []);
      list.length = entry.from - 1;
      list.push(...values);
    }
    trace.epoch = entry.epoch;
    if (entry.grid !== undefined) { trace.grid = entry.grid; trace.hist = entry.hist; trace.snapshotEpoch = entry.snapshot_epoch; }
    job.info.variants[i].spec = frame.specs[i];
  });
  job.epoch = Math.max(...job.traces.map((t) => t.epoch));
  if (frame.error) showError(`error: training failed: ${frame.error}`);
  if (frame.outcome) { job.outcome = frame.outcome; showOutcome(frame.outcome); }
  const slider = $("epoch");
  slider.max = Math.max(1, job.epoch);
  if (job.follow) { slider.value = job.epoch; $("epoch-label").textContent = job.epoch; drawAll(); }
  else drawCurves();
  updateButtons();
  const total = Math.max(...job.info.variants.map((v) => v.epochs));
  say(`${frame.status} · epoch ${job.epoch} of ${total} · ${job.info.variants.length} variants × ${job.info.seeds} seeds`);
}

async function onSlide() {
  if (!job) return;
  const epoch = Number($("epoch").value);
  $("epoch-label").textContent = epoch;
  job.follow = epoch >= job.epoch;
  if (job.follow) { drawAll(); return; }
  try {
    const shot = await api(`/api/jobs/${job.id}/snapshot?epoch=${epoch}`);
    shot.variants.forEach((v, i) => drawCard(i, v.grid, v.hist, v.stats, v.snapshot_epoch));
    drawCurves(epoch);
  } catch (error) { showError(error.message); }
}

function updateButtons() {
  const status = job ? job.status : "none";
  $("pause").disabled = status !== "running";
  $("play").disabled = status === "running";
  $("play").textContent = status === "paused" ? "▶ Resume" : "▶ Play";
  $("export").disabled = status !== "done";
  $("epoch").disabled = !job || job.epoch < 1;
}

// -- drawing ----------------------------------------------------------------------------------------
function buildCards() {
  const cards = $("cards");
  cards.replaceChildren();
  job.info.variants.forEach((variant, i) => {
    const card = document.createElement("div");
    card.className = "card"; card.id = `card-${i}`;
    card.innerHTML = `<h3><span class="swatch"></span><span class="name"></span></h3>
      <canvas class="boundary" width="240" height="240"></canvas>
      <div class="stats"></div><canvas class="hist" width="240" height="60"></canvas>
      <div class="schedule"></div><div class="live"></div><div class="verdict"></div>`;
    card.querySelector(".swatch").style.background = COLORS[i % COLORS.length];
    card.querySelector(".name").textContent = variant.label;
    const live = card.querySelector(".live");
    for (const [key, value] of Object.entries(state.variants[i] ? state.variants[i].settings : {})) {
      const rule = keyRule(key);
      if (rule && rule.schedulable) live.append(row(key, control({...rule, key}, value, (v, sliding) => setKey(i, key, v, sliding)), "changes while training runs are recorded as a schedule"));
    }
    const add = document.createElement("select");
    add.add(new Option("+ live strength…", ""));
    for (const rule of schema.keys.filter((k) => k.schedulable)) add.add(new Option(rule.key, rule.key));
    add.onchange = () => {
      const rule = keyRule(add.value);
      if (!rule) return;
      live.insertBefore(row(rule.key, control({...rule, key: rule.key}, rule.kind === "bool" ? "true" : "0", (v, sliding) => setKey(i, rule.key, v, sliding))), add);
      add.remove();
    };
    live.append(add);
    const stop = document.createElement("button");
    stop.type = "button"; stop.textContent = "stop this variant"; stop.onclick = () => stopVariant(i);
    live.append(stop);
    cards.append(card);
  });
}

function drawAll() {
  job.traces.forEach((t, i) => drawCard(i, t.grid, t.hist, statsAt(t, t.epoch), t.snapshotEpoch));
  drawCurves();
}
function statsAt(trace, epoch) {
  const out = {};
  for (const [name, values] of Object.entries(trace.curves)) out[name] = values[epoch - 1];
  return out;
}
function fmt(value, digits = 3) { return value === null || value === undefined ? "–" : Number(value).toPrecision(digits); }
function pct(value) { return value === null || value === undefined ? "–" : `${(100 * value).toFixed(1)}%`; }

function drawCard(i, grid, hist, stats, epoch) {
  const card = $(`card-${i}`);
  if (!card) return;
  const variant = job.info.variants[i];
  card.querySelector(".schedule").textContent = variant.spec;
  const accuracy = stats.val_acc !== undefined ? `val acc ${fmt(stats.val_acc)}` : stats.val_r2 !== undefined ? `val R² ${fmt(stats.val_r2)}` : "";
  card.querySelector(".stats").textContent =
    `epoch ${epoch || 0} · val loss ${fmt(stats.val_loss)} · train ${fmt(stats.train_loss)} · ${accuracy} · zeros ${pct(stats.exact_zero_fraction)} · near-zero ${pct(stats.near_zero_fraction)} · ‖w‖ ${fmt(stats.weight_l2)}`;
  drawBoundary(card.querySelector("canvas.boundary"), grid);
  drawHistogram(card.querySelector("canvas.hist"), hist, COLORS[i % COLORS.length]);
}

function drawBoundary(canvas, grid) {
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const info = job.info;
  if (!info.points) { ctx.fillStyle = "#5b6474"; ctx.fillText("the decision boundary needs 2 input columns", 10, 20); return; }
  if (grid) {
    const n = info.grid, image = ctx.createImageData(n, n);
    for (let k = 0; k < n * n; k++) {
      const p = grid.p[k] / 255;
      let rgb;
      if (info.task === "binary") rgb = mix(CLASS_RGB[0], CLASS_RGB[1], p);
      else if (info.task === "multiclass") rgb = mix([255, 255, 255], CLASS_RGB[grid.c[k] % CLASS_RGB.length], 0.25 + 0.6 * p);
      else rgb = mix([68, 1, 84], [253, 231, 37], p);
      image.data.set([rgb[0], rgb[1], rgb[2], 255], 4 * k);
    }
    const scratch = document.createElement("canvas");
    scratch.width = n; scratch.height = n;
    scratch.getContext("2d").putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(scratch, 0, 0, canvas.width, canvas.height);
  }
  const [x0, x1, y0, y1] = info.extent;
  for (const [split, hollow] of [["train", false], ["val", true]]) {
    const {X, y} = info.points[split];
    for (let k = 0; k < X.length; k++) {
      const px = (X[k][0] - x0) / (x1 - x0) * canvas.width, py = (y1 - X[k][1]) / (y1 - y0) * canvas.height;
      const color = info.task === "regression" ? "#333" : `rgb(${CLASS_RGB[y[k] % CLASS_RGB.length].map((c) => c * 0.7).join(",")})`;
      ctx.beginPath(); ctx.arc(px, py, 2.2, 0, 2 * Math.PI);
      if (hollow) { ctx.strokeStyle = color; ctx.lineWidth = 1; ctx.stroke(); } else { ctx.fillStyle = color; ctx.fill(); }
    }
  }
}
function mix(a, b, t) {
  // through white at the middle, as a diverging map: a (t = 0) → white (0.5) → b (1)
  const w = [255, 255, 255];
  const [from, to, u] = t < 0.5 ? [a, w, t * 2] : [w, b, (t - 0.5) * 2];
  return from.map((c, k) => Math.round(c + (to[k] - c) * u));
}

function drawHistogram(canvas, hist, color) {
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (!hist) return;
  const top = Math.max(1, ...hist), width = canvas.width / hist.length, h = canvas.height - 12;
  hist.forEach((count, k) => {
    ctx.fillStyle = k === 0 ? "#b3261e" : color;
    const bar = count / top * h;
    ctx.fillRect(k * width + 1, h - bar, width - 2, bar);
  });
  ctx.fillStyle = "#5b6474"; ctx.font = "10px sans-serif";
  const {low, high} = schema.histogram;
  ctx.fillText(`|w|<1e${low}`, 0, canvas.height - 1);
  ctx.fillText(`1e${high}`, canvas.width - 22, canvas.height - 1);
  ctx.fillText("first-layer |w|, log scale", canvas.width / 2 - 50, canvas.height - 1);
}

function drawCurves(upTo) {
  const canvas = $("curves"), ctx = canvas.getContext("2d");
  const width = canvas.width, height = canvas.height, left = 44, bottom = 20;
  ctx.clearRect(0, 0, width, height);
  if (!job) return;
  const total = Math.max(...job.info.variants.map((v) => v.epochs));
  const all = job.traces.flatMap((t) => [...(t.curves.val_loss_hi || []), ...(t.curves.train_loss_lo || [])]).filter((v) => v > 0);
  if (!all.length) return;
  const lo = Math.log10(all.reduce((a, b) => Math.min(a, b))), hi = Math.log10(all.reduce((a, b) => Math.max(a, b))) + 1e-9;
  const x = (e) => left + (e - 1) / Math.max(1, total - 1) * (width - left - 8);
  const y = (v) => (height - bottom) - (Math.log10(Math.max(v, 1e-12)) - lo) / (hi - lo) * (height - bottom - 8);
  ctx.strokeStyle = "#d8dce3"; ctx.fillStyle = "#5b6474"; ctx.font = "10px sans-serif";
  for (let d = Math.ceil(lo * 2) / 2; d <= hi; d += 0.5) {
    ctx.beginPath(); ctx.moveTo(left, y(10 ** d)); ctx.lineTo(width, y(10 ** d)); ctx.stroke();
    ctx.fillText(fmt(10 ** d, 2), 2, y(10 ** d) + 3);
  }
  ctx.fillText(`epoch (1 to ${total})`, width / 2, height - 4);
  job.traces.forEach((trace, i) => {
    const color = COLORS[i % COLORS.length];
    const lows = trace.curves.val_loss_lo || [], highs = trace.curves.val_loss_hi || [];
    if (lows.length > 1) {
      ctx.beginPath();
      lows.forEach((v, k) => ctx.lineTo(x(k + 1), y(v)));
      for (let k = highs.length - 1; k >= 0; k--) ctx.lineTo(x(k + 1), y(highs[k]));
      ctx.globalAlpha = 0.15; ctx.fillStyle = color; ctx.fill(); ctx.globalAlpha = 1;
    }
    for (const [name, dash] of [["val_loss", []], ["train_loss", [4, 3]]]) {
      const values = trace.curves[name] || [];
      ctx.beginPath(); ctx.setLineDash(dash); ctx.strokeStyle = color; ctx.lineWidth = 1.5;
      values.forEach((v, k) => { if (v !== null) ctx.lineTo(x(k + 1), y(v)); });
      ctx.stroke(); ctx.setLineDash([]);
    }
  });
  if (upTo) { ctx.strokeStyle = "#1d2330"; ctx.beginPath(); ctx.moveTo(x(upTo), 0); ctx.lineTo(x(upTo), height - bottom); ctx.stroke(); }
  const legend = $("legend");
  legend.replaceChildren(...job.info.variants.map((v, i) => {
    const item = document.createElement("span");
    item.innerHTML = `<span class="swatch"></span> `;
    item.firstChild.style.background = COLORS[i % COLORS.length];
    item.append(v.label);
    return item;
  }));
}

function showOutcome(outcome) {
  const box = $("verdicts");
  box.replaceChildren();
  for (const verdict of outcome.verdicts) {
    const p = document.createElement("p");
    p.className = `verdict-${verdict.kind.replaceAll(" ", "-")}`;
    p.textContent = `${verdict.label}: ${verdict.summary}`;
    box.append(p);
    const i = job.info.variants.findIndex((v) => v.label === verdict.label);
    const card = $(`card-${i}`);
    if (card) { const line = card.querySelector(".verdict"); line.textContent = verdict.kind; line.className = `verdict verdict-${verdict.kind.replaceAll(" ", "-")}`; }
  }
  if (outcome.pick) { const p = document.createElement("p"); p.innerHTML = "<strong></strong>"; p.firstChild.textContent = outcome.pick.summary; box.append(p); }
  $("table").textContent = outcome.table;
  $("outcome").hidden = false;
}

// -- start ----------------------------------------------------------------------------------------------
async function main() {
  try { schema = await api("/api/schema"); }
  catch (error) { showError(error.message); say("The page cannot reach its server."); return; }
  state = readHash();
  buildControls();
  writeHash();
  $("play").onclick = play;
  $("pause").onclick = pause;
  $("step").onclick = step;
  $("reset").onclick = () => { reset(); $("cards").replaceChildren(); drawCurves(); say("Reset. Press play to train."); };
  $("export").onclick = exportRun;
  $("epoch").oninput = onSlide;
  $("add-variant").onclick = () => { state.variants.push({label: `variant ${state.variants.length + 1}`, settings: {}}); changed(); buildVariantControls(); };
  window.addEventListener("pagehide", () => {
    if (job && (job.status === "running" || job.status === "paused"))
      fetch(`/api/jobs/${job.id}`, {method: "DELETE", keepalive: true, headers: {"X-Reglab-Token": TOKEN}});
  });
}
main();
