// The shopxo-mock dashboard. Plain script, no build step, no library.
//
// Everything the server sends is written with textContent (or as an attribute value), never as
// HTML: a scenario name, a parameter or an answer cannot become markup or code here. Every change
// is a call of the admin API (/__mock/use, /reset, /clock, /reload), with the admin token when
// the server asked for one; the live list comes from /__mock/dashboard/events (Server-Sent Events,
// read with fetch so the token can go in a header).
"use strict";

const TOKEN_KEY = "shopxo-mock-admin-token"; // sessionStorage: this tab only
const TOKEN_HEADER = "X-Mock-Admin-Token";
const MAX_ROWS = 500; // as the server's feed.ROWS: the list never grows past it
const RECONNECT_MS = 1000;
const MAX_DEVICES = 50; // offered in the filters and for "use for this device"
// A row answered while no dashboard was open: the journal keeps its code, not its msg.
const NO_MSG = "—";
const NO_MSG_WHY = "answered before the dashboard was opened: its answer was not kept (open it for the code)";

const $ = (id) => document.getElementById(id);

const state = {
  rows: [], // newest first, at most MAX_ROWS
  elements: new Map(), // row id -> its element in the list (only rows the filters show)
  pending: [], // rows arrived, not drawn yet (oldest first)
  paused: false,
  frame: 0,
  maxId: 0,
  devices: new Map(), // device -> client type, newest last, at most MAX_DEVICES
  actions: new Set(),
  newNames: false, // a device or action not in the filters yet: they are filled again
  server: null,
  serverAt: 0, // performance.now() when `server` came
  clockAt: 0, // performance.now() when the server's clock was read
  scenarios: [],
  tags: new Set(),
  selectedTags: new Set(),
  selected: null, // the id of the request opened
  lastScenarioLoad: "",
};

// -- small helpers -------------------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function short(text, keep = 4) {
  // As the access log shortens authcodes and uuids: enough to recognise, not to reuse.
  text = String(text || "");
  return text.length <= 3 * keep ? text : `${text.slice(0, keep)}…${text.slice(-keep)}`;
}

function duration(seconds) {
  seconds = Math.max(0, Math.floor(seconds));
  const d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  if (d) return `${d}d ${h}h ${m}m`;
  if (h) return `${h}h ${m}m ${s}s`;
  if (m) return `${m}m ${s}s`;
  return `${s}s`;
}

function offsetText(seconds) {
  if (!seconds) return "none";
  return `${seconds < 0 ? "−" : "+"}${duration(Math.abs(seconds))}`;
}

function clockTime(unix) {
  return new Date(unix * 1000).toTimeString().slice(0, 8); // HH:MM:SS, local
}

function fullTime(unix) {
  // Local time, as YYYY-MM-DD HH:MM:SS whatever the browser's locale.
  const date = new Date(unix * 1000);
  const two = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${clockTime(unix)}`;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

let toastTimer = 0;
function toast(text, bad = false) {
  const node = $("toast");
  node.textContent = text;
  node.dataset.bad = bad ? "1" : "";
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { node.hidden = true; }, bad ? 6000 : 2500);
}

// -- the admin token and the calls --------------------------------------------------------

let asking = null;

function askToken(why) {
  // One dialog however many calls were refused at once; each waits for the same answer.
  if (asking) return asking;
  const dialog = $("token-dialog");
  if (why) $("token-why").textContent = why;
  asking = new Promise((resolve) => {
    $("token-form").onsubmit = (event) => {
      event.preventDefault();
      const value = $("token-input").value;
      if (!value) return;
      sessionStorage.setItem(TOKEN_KEY, value);
      $("token-input").value = "";
      dialog.close();
      asking = null;
      resolve();
    };
  });
  dialog.showModal();
  return asking;
}

function headers(json) {
  const sent = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) sent[TOKEN_HEADER] = token;
  if (json) sent["Content-Type"] = "application/json";
  return sent;
}

class Refused extends Error {}

async function refusedWith(response) {
  // 401: ask for the token (again, if the one kept was wrong); 403: no token on this server.
  let reason = `${response.status}`;
  try { reason = (await response.json()).error || reason; } catch (_) { /* not JSON */ }
  if (response.status === 401) {
    const had = sessionStorage.getItem(TOKEN_KEY);
    sessionStorage.removeItem(TOKEN_KEY);
    await askToken(had ? "That token was refused. The admin token, please:" : null);
    return null;
  }
  if (response.status === 403) {
    const box = $("refused");
    box.textContent = `This page reads the mock through its admin API, which refused: ${reason}`;
    box.hidden = false;
    throw new Refused(reason);
  }
  return reason;
}

async function call(method, path, body) {
  for (;;) {
    const response = await fetch(path, {
      method, headers: headers(body !== undefined), cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.ok) return response.json();
    const reason = await refusedWith(response);
    if (reason === null) continue; // the token is in: again
    throw new Error(reason);
  }
}

async function act(what, method, path, body) {
  try {
    const answer = await call(method, path, body);
    toast(what);
    return answer;
  } catch (error) {
    if (!(error instanceof Refused)) toast(`${what} failed: ${error.message}`, true);
    return null;
  }
}

// -- the live stream ----------------------------------------------------------------------

function live(mode, text) {
  const node = $("live");
  node.dataset.state = mode;
  node.textContent = text;
}

async function stream() {
  for (;;) {
    try {
      const response = await fetch("dashboard/events", { headers: headers(false), cache: "no-store" });
      if (!response.ok) {
        const reason = await refusedWith(response);
        if (reason !== null) throw new Error(reason);
        continue;
      }
      live("live", "live");
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          received(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (error) {
      if (error instanceof Refused) { live("off", "refused"); return; }
    }
    live("off", "reconnecting…");
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
  }
}

function received(block) {
  let name = "message", data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("event: ")) name = line.slice(7);
    else if (line.startsWith("data: ")) data += line.slice(6);
  }
  if (!data) return; // a ping
  const document_ = JSON.parse(data);
  if (name === "hello") {
    emptyList();
    arrived(document_.rows, 0);
    setServer(document_.server);
  } else if (name === "rows") {
    arrived(document_.rows, document_.skipped);
  } else if (name === "server") {
    setServer(document_.server || document_);
  } else if (name === "cleared") {
    emptyList();
  }
}

// -- the request list ---------------------------------------------------------------------

function emptyList() {
  state.rows = [];
  state.pending = [];
  state.maxId = 0;
  state.elements.clear();
  clear($("rows"));
  countRows();
}

function arrived(rows, skipped) {
  for (const row of rows) {
    if (row.id <= state.maxId) emptyList(); // ids start again: the journal was reset
    state.maxId = row.id;
    state.pending.push(row);
  }
  if (state.pending.length > MAX_ROWS) state.pending.splice(0, state.pending.length - MAX_ROWS);
  const waiting = $("waiting");
  if (skipped) {
    waiting.textContent = `${skipped} request(s) came faster than the page shows them; the journal has them.`;
    waiting.hidden = false;
  }
  if (!state.paused && !state.frame) state.frame = requestAnimationFrame(draw);
  if (state.paused) showWaiting();
}

function showWaiting() {
  const waiting = $("waiting");
  waiting.textContent = `paused: ${state.pending.length} new request(s) waiting`;
  waiting.hidden = !state.pending.length;
}

function draw() {
  // Once a frame at most, however many rows came: one fragment in, the oldest out.
  state.frame = 0;
  const fresh = state.pending;
  state.pending = [];
  if (!fresh.length) return;
  const fragment = document.createDocumentFragment();
  for (let i = fresh.length - 1; i >= 0; i--) {
    const row = fresh[i];
    learn(row);
    if (shown(row)) fragment.appendChild(rowElement(row));
  }
  state.rows = fresh.reverse().concat(state.rows);
  const list = $("rows");
  list.insertBefore(fragment, list.firstChild);
  if (state.rows.length > MAX_ROWS) {
    for (const old of state.rows.splice(MAX_ROWS)) {
      const node = state.elements.get(old.id);
      if (node) { node.remove(); state.elements.delete(old.id); }
    }
  }
  countRows();
  if (state.newNames) fillFilters();
}

function learn(row) {
  if (row.device) seeDevice(row.device, row.client_type);
  if (!state.actions.has(row.action)) {
    state.actions.add(row.action);
    state.newNames = true;
  }
}

function seeDevice(device, clientType) {
  // Newest last. A device seen again moves up, but the selects are only filled again when a new
  // one comes: rebuilding them for every batch of a burst costs the page more than its rows.
  if (!state.devices.delete(device)) state.newNames = true;
  state.devices.set(device, clientType);
  if (state.devices.size > MAX_DEVICES) state.devices.delete(state.devices.keys().next().value);
}

function deviceList() {
  return [...state.devices.keys()].reverse(); // newest first
}

function filters() {
  return {
    device: $("f-device").value,
    action: $("f-action").value,
    code: $("f-code").value.trim(),
    text: $("f-text").value.trim().toLowerCase(),
  };
}

function shown(row, wanted = filters()) {
  if (wanted.device && row.device !== wanted.device) return false;
  if (wanted.action && row.action !== wanted.action) return false;
  if (wanted.code && String(row.code) !== wanted.code) return false;
  if (wanted.text) {
    const haystack = [row.method, row.action, row.client_type, row.device, row.authcode, row.scenario,
      row.rule, row.msg, row.code, row.status, row.release].join(" ").toLowerCase();
    if (!haystack.includes(wanted.text)) return false;
  }
  return true;
}

function redraw() {
  const wanted = filters();
  const fragment = document.createDocumentFragment();
  state.elements.clear();
  for (const row of state.rows) if (shown(row, wanted)) fragment.appendChild(rowElement(row));
  const list = $("rows");
  clear(list);
  list.appendChild(fragment);
  countRows();
}

function countRows() {
  const total = state.rows.length;
  $("row-count").textContent = total ? String(total) : "";
  $("empty").hidden = total > 0;
}

function rowElement(row) {
  const node = el("div", "row");
  node.setAttribute("role", "listitem");
  node.tabIndex = 0;
  node.dataset.id = row.id;
  if (row.id === state.selected) node.classList.add("selected");
  // Two facts, two colours: the status cell by the HTTP status (ShopXO answers its errors with
  // 200), the code cell by the envelope's code.
  node.dataset.outcome = row.status === 0 ? "dropped" : outcome(row.status, row.code);
  const code = el("span", "code", row.code === null ? "–" : row.code);
  code.dataset.verdict = row.code === null ? "none" : row.code === 0 ? "ok" : "bad";
  const status = el("span", "status", row.status || "dropped");
  status.dataset.verdict = !row.status ? "dropped" : row.status < 400 ? "ok" : "bad";
  const msg = row.msg === null ? withTitle(el("span", "msg", NO_MSG), NO_MSG_WHY) : withTitle(el("span", "msg", row.msg), row.msg);
  if (row.msg === null) msg.dataset.unknown = "1";
  node.append(
    el("span", "time", clockTime(row.time)),
    el("span", "method", row.method),
    el("span", "action", row.action),
    withTitle(el("span", "client", row.client_type), row.release ? `answered as ${release(row)}` : ""),
    withTitle(el("span", "device", short(row.device)), row.device),
    withTitle(el("span", "authcode", short(row.authcode)), row.authcode),
    withTitle(el("span", "scenario", row.scenario || `[${row.rule}]`), row.scenario ? `${row.scenario} (${row.rule})` : row.rule),
    el("span", "rule", row.scenario ? row.rule : ""),
    code,
    status,
    el("span", "latency", `${row.latency_ms} ms`),
    withTitle(el("span", "release", row.release || ""), row.release ? release(row) : ""),
    msg,
  );
  if (row.note) {
    node.dataset.note = "1"; // the stylesheet flags it: open the request to read the note
    node.title = row.launch
      ? "the client had read these settings at launch: open it to see which, and to bind the scenario"
      : "this request has a note: open it";
  }
  if (row.launch) node.dataset.launch = "1";
  state.elements.set(row.id, node);
  return node;
}

function outcome(status, code) {
  // The row as a whole (its flag for the eye): an HTTP error, else the envelope's code.
  if (status >= 400) return "error";
  return code === 0 || code === null ? "ok" : "error";
}

function release(row) {
  return row.release_reason ? `${row.release} (${row.release_reason})` : row.release;
}

function withTitle(node, title) {
  if (title) node.title = title;
  return node;
}

function fillFilters() {
  state.newNames = false;
  fillSelect($("f-device"), deviceList(), "any device", (d) => `${short(d)} (${state.devices.get(d) || "?"})`);
  fillSelect($("f-action"), [...state.actions].sort(), "any action", (a) => a);
  fillDevicePicker();
}

function fillSelect(select, values, none, label) {
  const chosen = select.value;
  const have = [...select.options].slice(1).map((o) => o.value);
  if (have.length === values.length && have.every((v, i) => v === values[i])) return;
  clear(select);
  select.append(new Option(none, ""));
  for (const value of values) select.append(new Option(label(value), value));
  select.value = values.includes(chosen) ? chosen : "";
}

// -- a request opened -----------------------------------------------------------------------

async function open(id) {
  state.selected = id;
  for (const node of $("rows").querySelectorAll(".row.selected")) node.classList.remove("selected");
  const node = state.elements.get(id);
  if (node) node.classList.add("selected");
  let document_;
  try {
    document_ = await call("GET", `dashboard/requests/${id}`);
  } catch (error) {
    if (!(error instanceof Refused)) toast(error.message, true);
    return;
  }
  if (state.selected !== id) return;
  showDetail(document_);
}

const SHOWN_FIELDS = new Set(["id", "time", "time_iso", "method", "url", "action", "params", "client_type", "device",
  "authcode", "scenario", "rule", "near_misses", "note", "notice", "code", "status", "latency_ms", "upstream",
  "release", "release_reason"]);

function showDetail({ entry, answer, launch }) {
  $("d-title").textContent = `#${entry.id} ${entry.method} ${entry.action}`;
  facts($("d-facts"), [
    ["time", `${entry.time_iso} (mock clock)`],
    ["url", entry.url],
    ["client type", entry.client_type],
    ["device", entry.device],
    ["authcode", entry.authcode],
    ["scenario", entry.scenario ? `${entry.scenario} (${entry.rule})` : `[${entry.rule}]`],
    ["code", entry.code === null ? "–" : entry.code],
    ["status", entry.status || "dropped"],
    ["latency", `${entry.latency_ms.toFixed(1)} ms`],
    ["release", entry.release ? release(entry) : ""],
    ["note", launch ? "" : entry.note],
    ["notice", entry.notice],
  ]);
  showLaunch(launch ? entry : null);
  $("d-params").textContent = JSON.stringify(entry.params, null, 2);
  const pre = $("d-answer"), raw = $("d-raw");
  if (answer.kept) {
    $("d-answer-meta").textContent = `${answer.content_type} · ${answer.bytes} bytes`;
    pre.textContent = answer.pretty;
    pre.dataset.view = "pretty";
    raw.hidden = false;
    raw.textContent = "bytes as sent";
    raw.onclick = () => {
      const pretty = pre.dataset.view === "pretty";
      pre.textContent = pretty ? answer.raw : answer.pretty;
      pre.dataset.view = pretty ? "raw" : "pretty";
      raw.textContent = pretty ? "pretty-printed" : "bytes as sent";
    };
  } else {
    $("d-answer-meta").textContent = "";
    pre.textContent = answer.why;
    pre.dataset.view = "why";
    raw.hidden = true;
  }
  const misses = $("d-misses");
  clear(misses);
  for (const miss of entry.near_misses) misses.append(el("li", "", miss));
  if (!entry.near_misses.length) misses.append(el("li", "none", "none"));
  $("d-upstream").textContent = entry.upstream === undefined ? "— (this mock answered it itself)" : JSON.stringify(entry.upstream);
  facts($("d-more"), Object.keys(entry).filter((k) => !SHOWN_FIELDS.has(k)).map((k) => [k, JSON.stringify(entry[k])]));
  $("detail").hidden = false;
  document.body.classList.add("detail-open");
}

function showLaunch(entry) {
  // The client read base/common at launch and keeps what it got: the note says which settings
  // and the values it has; the way out is to bind the scenario to the device before launching.
  const box = $("d-launch");
  box.hidden = !entry;
  if (!entry) return;
  $("d-launch-note").textContent = entry.note;
  const bind = $("d-launch-bind");
  bind.textContent = `Bind ${entry.scenario} to ${short(entry.device) || "this device"}`;
  bind.disabled = !entry.scenario || !entry.device;
  bind.title = entry.device ? `POST /__mock/use {"scenario": "${entry.scenario}", "device": "${entry.device}"}; then launch the client again` : "the request has no uuid to bind";
  bind.onclick = () => use(entry.scenario, { device: entry.device });
}

function facts(list, pairs) {
  clear(list);
  for (const [name, value] of pairs) {
    if (value === "" || value === null || value === undefined) continue;
    list.append(el("dt", "", name), el("dd", "", value));
  }
}

function closeDetail() {
  state.selected = null;
  $("detail").hidden = true;
  document.body.classList.remove("detail-open");
  for (const node of $("rows").querySelectorAll(".row.selected")) node.classList.remove("selected");
}

// -- the server -----------------------------------------------------------------------------

function setServer(server) {
  const before = state.server;
  state.server = server;
  state.serverAt = state.clockAt = performance.now();
  $("s-profile").textContent = server.profile;
  $("s-version").textContent = server.version;
  $("s-scenarios").textContent = server.scenarios;
  const reload = server.reload;
  const reloadText = !reload ? "none yet" : reload.ok ? `ok at ${clockTime(reload.time)}` : `broken at ${clockTime(reload.time)}`;
  $("s-reload").textContent = reloadText;
  $("s-reload").dataset.bad = reload && !reload.ok ? "1" : "";
  const problems = reload && !reload.ok ? reload.problems : [];
  for (const list of [$("problem-list"), $("reload-problems")]) {
    clear(list);
    for (const problem of problems) list.append(el("li", "", problem));
  }
  $("problems").hidden = !problems.length;
  $("reload-state").textContent = !reload
    ? `${server.scenarios} scenario(s) from ${server.files} file(s), as loaded at start. ${server.hot_reload ? "Saved files reload by themselves." : "Hot reload is off (--no-watch)."}`
    : reload.ok
      ? `${server.scenarios} scenario(s) from ${server.files} file(s), reloaded at ${fullTime(reload.time)}.`
      : `The last reload, at ${fullTime(reload.time)}, found ${problems.length} problem(s); the last good set (${server.scenarios} scenario(s)) keeps serving.`;
  facts($("server-facts"), [
    ["version", server.version],
    ["profile", server.profile],
    ["up", duration(server.uptime)],
    ["scenarios", `${server.scenarios} from ${server.files} file(s)`],
    ["hot reload", server.hot_reload ? "on" : "off"],
  ]);
  const dropped = server.journal.dropped ? `; ${server.journal.dropped} older dropped for --journal-bytes` : "";
  $("journal-count").textContent = `${server.journal.count} of ${server.journal.size} kept${dropped}`;
  for (const { device, client_type } of [...server.devices].reverse()) {
    if (!state.devices.has(device)) seeDevice(device, client_type);
  }
  fillFilters();
  fillScopes(server);
  showBindings(server.bindings);
  if (before && JSON.stringify(before.bindings) !== JSON.stringify(server.bindings)) showScenarios(); // bound elsewhere (curl, a test)
  tick();
  const reloadKey = `${server.scenarios}/${reload ? reload.time : ""}`;
  if (!before || reloadKey !== state.lastScenarioLoad) {
    state.lastScenarioLoad = reloadKey;
    loadScenarios();
  }
}

function tick() {
  const server = state.server;
  if (!server) return;
  const elapsed = (performance.now() - state.serverAt) / 1000;
  $("s-uptime").textContent = duration(server.uptime + elapsed);
  const offset = server.clock.offset;
  $("s-clock").textContent = offset ? offsetText(offset) : "real time";
  $("clock-now").textContent = fullTime(server.clock.now + (performance.now() - state.clockAt) / 1000);
  $("clock-offset").textContent = offsetText(offset);
  const up = $("server-facts").querySelector("dd:nth-of-type(3)");
  if (up) up.textContent = duration(server.uptime + elapsed);
}

function fillScopes(server) {
  const box = $("scopes");
  if (box.childElementCount) return;
  for (const scope of server.reset_scopes) {
    const label = el("label", "scope");
    const input = el("input");
    input.type = "checkbox";
    input.value = scope;
    input.checked = scope === server.reset_default;
    label.append(input, document.createTextNode(` ${scope}`));
    box.append(label);
  }
}

async function advance(seconds) {
  if (!Number.isFinite(seconds) || seconds <= 0) { toast("advance by a number of seconds above 0", true); return; }
  const clock = await act(`clock advanced by ${duration(seconds)}`, "POST", "clock", { advance: seconds });
  if (clock && state.server) { state.server.clock = clock; state.clockAt = performance.now(); tick(); }
}

async function reset() {
  const scopes = [...$("scopes").querySelectorAll("input:checked")].map((input) => input.value);
  if (!scopes.length) { toast("choose what to reset", true); return; }
  const answer = await act("reset", "POST", "reset", { scope: scopes });
  if (answer) {
    toast(`reset: ${answer.reset.join(", ")}`);
    if (answer.reset.includes("journal")) emptyList();
  }
}

// -- scenarios and bindings --------------------------------------------------------------------

async function loadScenarios() {
  let document_;
  try {
    document_ = await call("GET", "scenarios");
  } catch (error) {
    if (!(error instanceof Refused)) toast(`scenarios: ${error.message}`, true);
    return;
  }
  state.scenarios = document_.scenarios;
  state.tags = new Set(document_.scenarios.flatMap((s) => s.tags));
  for (const tag of [...state.selectedTags]) if (!state.tags.has(tag)) state.selectedTags.delete(tag);
  showTags();
  showScenarios();
}

function showTags() {
  const box = $("sc-tags");
  clear(box);
  for (const tag of [...state.tags].sort()) {
    const chip = el("button", "tag", tag);
    chip.type = "button";
    chip.setAttribute("aria-pressed", state.selectedTags.has(tag) ? "true" : "false");
    chip.onclick = () => {
      if (state.selectedTags.has(tag)) state.selectedTags.delete(tag); else state.selectedTags.add(tag);
      showTags();
      showScenarios();
    };
    box.append(chip);
  }
}

function boundTo(name) {
  const bindings = (state.server && state.server.bindings) || { active: null, devices: {}, tokens: {} };
  const devices = Object.entries(bindings.devices).filter(([, s]) => s === name).map(([d]) => d);
  const tokens = Object.entries(bindings.tokens).filter(([, s]) => s === name).map(([t]) => t);
  return { active: bindings.active === name, devices, tokens };
}

function showScenarios() {
  const list = $("sc-list");
  const text = $("sc-search").value.trim().toLowerCase();
  const device = $("sc-device").value;
  clear(list);
  for (const scenario of state.scenarios) {
    if (state.selectedTags.size && !scenario.tags.some((t) => state.selectedTags.has(t))) continue;
    const haystack = [scenario.name, scenario.action, scenario.description, scenario.summary, scenario.file,
      scenario.layer, ...scenario.tags].join(" ").toLowerCase();
    if (text && !haystack.includes(text)) continue;
    list.append(scenarioCard(scenario, device));
  }
  if (!list.childElementCount) list.append(el("li", "hint", state.scenarios.length ? "No scenario matches." : "No scenario loaded."));
}

function scenarioCard(scenario, device) {
  const card = el("li", "card");
  card.dataset.name = scenario.name;
  const head = el("div", "card-head");
  head.append(el("strong", "name", scenario.name), el("span", "chip action", scenario.action));
  if (scenario.layer) {
    // Where it was loaded from, as the listing names it: a layer of files, or "runtime" for one
    // a test posted (POST /__mock/scenarios), shown and used like any other.
    const layer = el("span", "chip layer", scenario.layer);
    layer.dataset.layer = scenario.layer;
    head.append(layer);
  }
  for (const tag of scenario.tags) head.append(el("span", "chip", tag));
  card.append(head);
  if (scenario.description) card.append(el("p", "description", scenario.description));
  card.append(el("p", "what", scenario.summary));
  const where = place(scenario);
  if (where) card.append(el("p", "where", where));
  const bound = boundTo(scenario.name);
  const badges = [];
  if (bound.active) badges.push("used globally");
  for (const d of bound.devices) badges.push(`device ${short(d)}`);
  for (const t of bound.tokens) badges.push(`token ${short(t)}`);
  if (badges.length) card.append(el("p", "bound", `bound: ${badges.join(", ")}`));
  const buttons = el("div", "buttons");
  const forDevice = el("button", "use-device", device ? `Use for ${short(device)}` : "Use for this device");
  forDevice.type = "button";
  forDevice.disabled = !device;
  forDevice.title = device ? `the next requests of device ${device} are answered by ${scenario.name}` : "no device chosen: the journal has seen none yet";
  forDevice.onclick = () => use(scenario.name, { device });
  const globally = el("button", "use-global", "Use globally");
  globally.type = "button";
  globally.onclick = () => use(scenario.name, {});
  const unbind = el("button", "clear", "Clear");
  unbind.type = "button";
  unbind.disabled = !(bound.active || bound.devices.length || bound.tokens.length);
  unbind.title = "remove every binding of this scenario";
  unbind.onclick = () => clearScenario(scenario.name);
  buttons.append(forDevice, globally, unbind);
  card.append(buttons);
  return card;
}

function place(scenario) {
  // The listing's own words (a built-in file is "built-in:errors.yaml"): never a path made here.
  if (!scenario.file) return "";
  return scenario.line ? `${scenario.file}:${scenario.line}` : scenario.file;
}

function fillDevicePicker() {
  fillSelect($("sc-device"), deviceList(), state.devices.size ? "choose a device" : "(no device seen yet)",
    (d) => `${short(d)} (${state.devices.get(d) || "?"})`);
  const picker = $("sc-device");
  if (!picker.value && state.devices.size) picker.value = deviceList()[0];
  if (picker.dataset.shown !== picker.value) { picker.dataset.shown = picker.value; showScenarios(); }
}

async function use(scenario, where) {
  const what = where.device ? `${scenario} for device ${short(where.device)}` : `${scenario} for everybody`;
  const bindings = await act(`using ${what}`, "POST", "use", { scenario, ...where });
  if (bindings) gotBindings(bindings);
}

async function unbind(query, what) {
  const bindings = await act(`removed ${what}`, "DELETE", `use?${new URLSearchParams(query)}`);
  if (bindings) gotBindings(bindings);
}

async function clearScenario(name) {
  const bound = boundTo(name);
  let bindings = null;
  if (bound.active) bindings = await call("DELETE", "use?active=true").catch(() => null);
  for (const device of bound.devices) bindings = await call("DELETE", `use?${new URLSearchParams({ device })}`).catch(() => null);
  for (const token of bound.tokens) bindings = await call("DELETE", `use?${new URLSearchParams({ token })}`).catch(() => null);
  if (bindings) { gotBindings(bindings); toast(`${name} cleared`); }
}

function gotBindings(bindings) {
  if (state.server) state.server.bindings = bindings;
  showBindings(bindings);
  showScenarios();
}

function showBindings(bindings) {
  const list = $("bindings");
  clear(list);
  const items = [];
  if (bindings.active) items.push(["everybody", bindings.active, { active: "true" }]);
  for (const [device, name] of Object.entries(bindings.devices)) items.push([`device ${short(device)}`, name, { device }, device]);
  for (const [token, name] of Object.entries(bindings.tokens)) items.push([`token ${short(token)}`, name, { token }, token]);
  for (const [who, name, query, full] of items) {
    const item = el("li", "binding");
    const whoNode = withTitle(el("span", "who", who), full);
    const remove = el("button", "small", "remove");
    remove.type = "button";
    remove.onclick = () => unbind(query, `${who} → ${name}`);
    item.append(whoNode, el("span", "arrow", "→"), el("span", "name", name), remove);
    list.append(item);
  }
  if (!items.length) list.append(el("li", "hint", "None: the authcode rules choose."));
  $("unbind-all").disabled = !items.length;
}

// -- wiring -----------------------------------------------------------------------------------

function showTab(name) {
  for (const tab of document.querySelectorAll("[role=tab]")) tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
  for (const panel of document.querySelectorAll("[role=tabpanel]")) panel.hidden = panel.id !== `panel-${name}`;
}

function wire() {
  for (const tab of document.querySelectorAll("[role=tab]")) tab.onclick = () => showTab(tab.dataset.tab);
  $("filters").onsubmit = (event) => event.preventDefault();
  for (const id of ["f-device", "f-action"]) $(id).onchange = redraw;
  for (const id of ["f-code", "f-text"]) $(id).oninput = redraw;
  $("f-pause").onchange = (event) => {
    state.paused = event.target.checked;
    if (!state.paused) { $("waiting").hidden = true; draw(); } else showWaiting();
  };
  $("rows").onclick = (event) => {
    const row = event.target.closest(".row");
    if (row) open(Number(row.dataset.id));
  };
  $("rows").onkeydown = (event) => {
    const row = event.target.closest(".row");
    if (row && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); open(Number(row.dataset.id)); }
  };
  $("detail-close").onclick = closeDetail;
  $("sc-search").oninput = showScenarios;
  $("sc-device").onchange = () => { $("sc-device").dataset.shown = $("sc-device").value; showScenarios(); };
  $("unbind-all").onclick = async () => {
    const bindings = await act("removed every binding", "DELETE", "use");
    if (bindings) gotBindings(bindings);
  };
  $("reload-now").onclick = async () => {
    try {
      const answer = await call("POST", "reload");
      toast(`reloaded: ${answer.scenarios} scenario(s)`);
    } catch (error) {
      if (!(error instanceof Refused)) toast("the files have problems: see above", true);
    }
  };
  $("advance").onsubmit = (event) => {
    event.preventDefault();
    advance(Number($("advance-amount").value) * Number($("advance-unit").value));
  };
  for (const button of document.querySelectorAll("[data-advance]")) button.onclick = () => advance(Number(button.dataset.advance));
  $("reset").onclick = reset;
  $("clear-journal").onclick = async () => { if (await act("journal cleared", "DELETE", "journal")) emptyList(); };
  document.addEventListener("keydown", (event) => { if (event.key === "Escape" && state.selected !== null) closeDetail(); });
  setInterval(tick, 1000);
}

wire();
stream();
