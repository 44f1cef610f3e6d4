// Meridian's page: plain browser JavaScript, no build step, no network beyond this service.
"use strict";

// --- talking to the service -------------------------------------------------------------------------------

// The one place that knows how a token travels: a bearer header on every request.
const auth = {
  key: "meridian.token",
  token() { return sessionStorage.getItem(this.key) || ""; },
  set(t) { if (t) sessionStorage.setItem(this.key, t); else sessionStorage.removeItem(this.key); },
  headers(extra) {
    const h = Object.assign({}, extra || {});
    const t = this.token();
    if (t) h["Authorization"] = "Bearer " + t;
    return h;
  },
};

class ApiError extends Error {
  constructor(status, code, message, detail) {
    super(message);
    this.status = status; this.code = code; this.detail = detail;
  }
}

async function api(path, options) {
  const opts = Object.assign({}, options || {});
  opts.headers = auth.headers(opts.headers);
  const res = await fetch(path, opts);
  const type = res.headers.get("Content-Type") || "";
  if (!res.ok) {
    let code = "http_" + res.status, message = res.statusText || ("HTTP " + res.status), detail = {};
    if (type.startsWith("application/json")) {
      try {
        const e = await res.json();
        code = e.error || code; message = e.message || message; detail = e.detail || {};
      } catch (ignored) { /* keep the status line */ }
    }
    throw new ApiError(res.status, code, message, detail);
  }
  return type.startsWith("application/json") ? res.json() : res.text();
}

const $ = (id) => document.getElementById(id);

function describe(err) {
  if (err instanceof ApiError) {
    if (err.status === 401 || err.status === 403) {
      $("token-state").textContent = err.status === 401 ? "a token is needed" : "this token is refused";
      return err.message + " — set an access token above.";
    }
    return err.message + " (" + err.code + ")";
  }
  return String(err && err.message || err);
}

// --- token ------------------------------------------------------------------------------------------------

function initToken() {
  $("token").value = auth.token();
  $("token-state").textContent = auth.token() ? "token set" : "";
  $("token-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    auth.set($("token").value.trim());
    $("token-state").textContent = auth.token() ? "token set" : "no token";
    refreshAll();
  });
}

// --- live metrics -----------------------------------------------------------------------------------------

/** Prometheus text format to [{name, labels, value}]. */
function parseMetrics(text) {
  const out = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    if (m[2]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
      let l;
      while ((l = re.exec(m[2])) !== null) labels[l[1]] = l[2];
    }
    out.push({ name: m[1], labels, value: parseFloat(m[3]) });
  }
  return out;
}

function sum(series, name, pred) {
  let s = 0;
  for (const x of series) if (x.name === name && (!pred || pred(x.labels))) s += x.value;
  return s;
}

/** Cumulative histogram buckets of one route: [[le, count], ...] sorted by le. */
function buckets(series, route) {
  return series
    .filter((x) => x.name === "meridian_http_request_duration_seconds_bucket" && x.labels.route === route)
    .map((x) => [x.labels.le === "+Inf" ? Infinity : parseFloat(x.labels.le), x.value])
    .sort((a, b) => a[0] - b[0]);
}

/** The q-quantile of a cumulative histogram, interpolated linearly inside its bucket. */
function quantile(b, q) {
  const total = b.length ? b[b.length - 1][1] : 0;
  if (total <= 0) return NaN;
  const rank = q * total;
  let prevLe = 0, prevCount = 0;
  for (const [le, count] of b) {
    if (count >= rank) {
      if (le === Infinity) return prevLe;
      const inBucket = count - prevCount;
      return inBucket > 0 ? prevLe + (le - prevLe) * (rank - prevCount) / inBucket : le;
    }
    prevLe = le; prevCount = count;
  }
  return prevLe;
}

function ms(seconds) {
  if (!isFinite(seconds)) return "–";
  const v = seconds * 1000;
  return (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)) + " ms";
}

function rate(v) {
  if (!isFinite(v)) return "–";
  return v >= 1000 ? Math.round(v).toLocaleString("en") : v.toFixed(v < 10 ? 1 : 0);
}

const live = { prev: null, history: [] };

async function pollMetrics() {
  let text;
  try {
    text = await api("/metrics");
  } catch (err) {
    $("m-detail").textContent = "metrics unavailable: " + describe(err);
    return;
  }
  const now = performance.now();
  const s = parseMetrics(text);
  // this page's own polling is not traffic: leave /metrics and the page out of the request rate
  const own = (l) => l.route === "/metrics" || l.route === "/ui";
  const snap = {
    t: now,
    records: sum(s, "meridian_records_enriched_total"),
    requests: sum(s, "meridian_http_requests_total", (l) => !own(l)),
    refused: sum(s, "meridian_rejections_total"),
    b: buckets(s, "/enrich"),
  };
  const active = Math.max(0, sum(s, "meridian_http_requests_active") - 1); // minus this scrape
  const tcp = sum(s, "meridian_tcp_connections_active");
  $("m-inflight").textContent = String(active);
  $("m-refusals").textContent = String(snap.refused);
  const reasons = s.filter((x) => x.name === "meridian_rejections_total" && x.value > 0)
    .map((x) => x.labels.reason + " " + x.value);
  $("m-detail").textContent =
    "admitted " + sum(s, "meridian_admission_slots_in_use") +
    " · waiting for CPU " + sum(s, "meridian_cpu_permit_waiters") +
    " · TCP connections " + tcp +
    " · reference sets " + sum(s, "meridian_reference_sets") +
    (reasons.length ? " · refused: " + reasons.join(", ") : "");
  let b = snap.b, window = "all time";
  if (live.prev) {
    const dt = (now - live.prev.t) / 1000;
    const rps = (snap.records - live.prev.records) / dt;
    $("m-records").textContent = rate(rps);
    $("m-requests").textContent = rate((snap.requests - live.prev.requests) / dt);
    live.history.push(rps);
    if (live.history.length > 60) live.history.shift();
    // percentiles of the last interval when it saw traffic, of all time otherwise
    const delta = snap.b.map(([le, c], i) => [le, c - ((live.prev.b[i] || [le, 0])[1])]);
    if (delta.length && delta[delta.length - 1][1] > 0) { b = delta; window = "last 2 s"; }
  }
  $("m-p50").textContent = ms(quantile(b, 0.5));
  $("m-p95").textContent = ms(quantile(b, 0.95));
  $("m-p99").textContent = ms(quantile(b, 0.99));
  $("m-p50").title = $("m-p95").title = $("m-p99").title = "POST /enrich, " + window;
  live.prev = snap;
  drawSpark();
}

function drawSpark() {
  const c = $("spark"), g = c.getContext("2d");
  const w = c.width = c.clientWidth || 600, h = c.height;
  g.clearRect(0, 0, w, h);
  const hs = live.history;
  if (hs.length < 2) return;
  const max = Math.max(1, ...hs);
  g.strokeStyle = "#0b6bcb"; g.lineWidth = 2; g.beginPath();
  hs.forEach((v, i) => {
    const x = (i / 59) * (w - 2) + 1, y = h - 2 - (v / max) * (h - 6);
    if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
  });
  g.stroke();
  g.fillStyle = "#5b6775"; g.font = "11px sans-serif";
  g.fillText("max " + rate(max) + " records/s", 4, 12);
}

// --- reference sets ---------------------------------------------------------------------------------------

async function loadRefsets() {
  const body = await api("/refsets");
  const tbody = $("refsets").querySelector("tbody");
  tbody.replaceChildren();
  const select = $("refset"), chosen = select.value || body.default;
  select.replaceChildren();
  for (const r of body.refsets) {
    const tr = document.createElement("tr");
    tr.append(cell(r.name), cell(r.places.toLocaleString("en"), "num"), cell((r.attributes || []).join(", ")),
      cell(r.default ? "yes" : ""));
    tbody.append(tr);
    const o = document.createElement("option");
    o.value = r.name; o.textContent = r.name + " (" + r.places.toLocaleString("en") + ")";
    select.append(o);
  }
  select.value = body.refsets.some((r) => r.name === chosen) ? chosen : body.default;
}

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text == null ? "" : String(text);
  if (cls) td.className = cls;
  return td;
}

// --- the map ----------------------------------------------------------------------------------------------

const map = { points: null, refset: null, base: null, cursor: { lat: 48.8566, lon: 2.3522 }, hits: [], csv: [] };

// Equirectangular: longitude to x, latitude to y, over the canvas's own pixel grid.
function toXY(lat, lon, c) { return [(lon + 180) / 360 * c.width, (90 - lat) / 180 * c.height]; }
function toLatLon(x, y, c) { return [90 - y / c.height * 180, x / c.width * 360 - 180]; }

async function loadMap() {
  const name = $("refset").value;
  if (map.refset === name && map.points) return;
  const body = await api("/ui/points" + (name ? "?refs=" + encodeURIComponent(name) : ""));
  map.points = body.points; map.refset = name; map.base = null;
  drawMap();
}

function drawBase(c) {
  const base = document.createElement("canvas");
  base.width = c.width; base.height = c.height;
  const g = base.getContext("2d");
  g.strokeStyle = "#c9d6e3"; g.lineWidth = 1;
  for (let lon = -150; lon < 180; lon += 30) { const [x] = toXY(0, lon, c); g.beginPath(); g.moveTo(x, 0); g.lineTo(x, c.height); g.stroke(); }
  for (let lat = -60; lat < 90; lat += 30) { const [, y] = toXY(lat, 0, c); g.beginPath(); g.moveTo(0, y); g.lineTo(c.width, y); g.stroke(); }
  g.fillStyle = "rgba(60, 80, 100, 0.55)";
  const p = map.points || [];
  for (let i = 0; i + 1 < p.length; i += 2) {
    const [x, y] = toXY(p[i], p[i + 1], c);
    g.fillRect(x, y, 1.3, 1.3);
  }
  return base;
}

function drawMap() {
  const c = $("map"), g = c.getContext("2d");
  if (!map.base) map.base = drawBase(c);
  g.clearRect(0, 0, c.width, c.height);
  g.drawImage(map.base, 0, 0);
  g.fillStyle = "#7a3cc2";
  for (const [lat, lon] of map.csv) { const [x, y] = toXY(lat, lon, c); g.fillRect(x - 1.5, y - 1.5, 3, 3); }
  const [cx, cy] = toXY(map.cursor.lat, map.cursor.lon, c);
  g.strokeStyle = "#d1361b"; g.lineWidth = 1.5;
  for (const h of map.hits) {
    const [x, y] = toXY(h.lat, h.lon, c);
    g.beginPath(); g.moveTo(cx, cy); g.lineTo(x, y); g.stroke();
    g.beginPath(); g.arc(x, y, 4, 0, 2 * Math.PI); g.fillStyle = "#0b6bcb"; g.fill();
  }
  if (map.hits.length) {
    const h = map.hits[0], [x, y] = toXY(h.lat, h.lon, c);
    const tx = Math.min(x + 7, c.width - 120), ty = Math.max(y - 6, 14);
    g.font = "bold 14px sans-serif"; g.lineJoin = "round";
    g.strokeStyle = "rgba(255, 255, 255, 0.9)"; g.lineWidth = 4; g.strokeText(h.name, tx, ty);
    g.fillStyle = "#14202e"; g.fillText(h.name, tx, ty);
  }
  g.beginPath(); g.arc(cx, cy, 5, 0, 2 * Math.PI); g.strokeStyle = "#d1361b"; g.lineWidth = 2; g.stroke();
  g.beginPath(); g.moveTo(cx - 9, cy); g.lineTo(cx + 9, cy); g.moveTo(cx, cy - 9); g.lineTo(cx, cy + 9); g.stroke();
}

function initMap() {
  const c = $("map");
  c.addEventListener("click", (ev) => {
    const r = c.getBoundingClientRect();
    const [lat, lon] = toLatLon((ev.clientX - r.left) * c.width / r.width, (ev.clientY - r.top) * c.height / r.height, c);
    setCursor(lat, lon);
    search();
  });
  c.addEventListener("keydown", (ev) => {
    const step = ev.shiftKey ? 10 : 1;
    const moves = { ArrowLeft: [0, -step], ArrowRight: [0, step], ArrowUp: [step, 0], ArrowDown: [-step, 0] };
    if (moves[ev.key]) {
      ev.preventDefault();
      const [dlat, dlon] = moves[ev.key];
      let lon = map.cursor.lon + dlon;
      if (lon > 180) lon -= 360; if (lon < -180) lon += 360;
      setCursor(Math.max(-90, Math.min(90, map.cursor.lat + dlat)), lon);
    } else if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      search();
    }
  });
}

function setCursor(lat, lon) {
  map.cursor = { lat, lon };
  $("lat").value = lat.toFixed(4);
  $("lon").value = lon.toFixed(4);
  drawMap();
}

// --- explorer ---------------------------------------------------------------------------------------------

function number(id, label, min, max) {
  const text = $(id).value.trim();
  const v = Number(text);
  if (text === "" || !isFinite(v) || v < min || v > max) {
    throw new Error(label + " must be a number between " + min + " and " + max + ", got '" + text + "'");
  }
  return v;
}

function enrichUrl(k, maxKm) {
  const q = new URLSearchParams({ places: "full" });
  if ($("refset").value) q.set("refs", $("refset").value);
  if (k > 1) q.set("k", String(k));
  if (maxKm != null) q.set("max_km", String(maxKm));
  return "/enrich?" + q.toString();
}

let searchSeq = 0;

async function search() {
  const status = $("status"), list = $("nearest");
  const seq = ++searchSeq;
  let lat, lon, k, maxKm = null;
  try {
    lat = number("lat", "latitude", -90, 90);
    lon = number("lon", "longitude", -180, 180);
    k = Math.round(number("k", "k", 1, 50));
    if ($("maxkm").value.trim() !== "") maxKm = number("maxkm", "the distance", 0, 20040);
  } catch (err) {
    status.textContent = err.message; status.className = "error";
    return;
  }
  map.cursor = { lat, lon };
  status.className = "muted"; status.textContent = "Searching…";
  try {
    await loadMap();
    const body = [{ id: 1, point: { lat, lon } }];
    const out = await api(enrichUrl(k, maxKm), {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    if (seq !== searchSeq) return; // a newer search is under way
    const nearest = out[0].nearest;
    map.hits = nearest == null ? [] : Array.isArray(nearest) ? nearest : [nearest];
    list.replaceChildren();
    for (const h of map.hits) {
      const li = document.createElement("li");
      li.dataset.name = h.name; li.dataset.id = h.id; li.dataset.km = h.distance_km;
      const where = [h.admin1, h.country].filter(Boolean).join(", ");
      li.append(document.createTextNode(h.name + (where ? " (" + where + ")" : "") + " "));
      const km = document.createElement("span");
      km.className = "km"; km.textContent = h.distance_km.toFixed(h.distance_km < 10 ? 2 : 1) + " km";
      li.append(km);
      list.append(li);
    }
    status.textContent = map.hits.length
      ? "Nearest to " + lat.toFixed(4) + ", " + lon.toFixed(4) + ": " + map.hits[0].name
      : "Nothing within " + maxKm + " km of " + lat.toFixed(4) + ", " + lon.toFixed(4) + ".";
    drawMap();
  } catch (err) {
    if (seq !== searchSeq) return;
    status.textContent = describe(err); status.className = "error";
  }
}

// --- CSV --------------------------------------------------------------------------------------------------

const MAX_CSV_ROWS = 10000;

/** RFC 4180 CSV (quotes, doubled quotes, CRLF) to rows of strings. */
function parseCsv(text) {
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { row.push(field); field = ""; }
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field); field = "";
      if (row.length > 1 || row[0] !== "") rows.push(row);
      row = [];
    } else field += ch;
  }
  if (field !== "" || row.length) { row.push(field); rows.push(row); }
  return rows;
}

function column(header, names) {
  const lower = header.map((h) => h.trim().toLowerCase());
  for (const n of names) { const i = lower.indexOf(n); if (i >= 0) return i; }
  return -1;
}

async function enrichCsv(file) {
  const status = $("csv-status"), table = $("csv-table");
  status.className = "muted";
  table.replaceChildren();
  try {
    if (file.size > 4 << 20) throw new Error("the file is larger than 4 MB; use `meridian process` for big files");
    const rows = parseCsv(await file.text());
    if (rows.length < 2) throw new Error("the file has no data rows under its header");
    const header = rows[0];
    const latCol = column(header, ["lat", "latitude"]), lonCol = column(header, ["lon", "lng", "long", "longitude"]);
    if (latCol < 0 || lonCol < 0) throw new Error("no lat/lon columns in the header: " + header.join(", "));
    const data = rows.slice(1, 1 + MAX_CSV_ROWS);
    const records = [], bad = [];
    data.forEach((r, i) => {
      const lat = Number(r[latCol]), lon = Number(r[lonCol]);
      if (r[latCol] === undefined || r[lonCol] === undefined || r[latCol].trim() === "" || !isFinite(lat) || !isFinite(lon)
          || Math.abs(lat) > 90 || Math.abs(lon) > 180) bad.push(i + 2);
      else records.push({ id: i, point: { lat, lon } });
    });
    status.textContent = "Enriching " + records.length + " rows…";
    const out = records.length ? await api(enrichUrl(1, null), {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(records),
    }) : [];
    const byRow = new Map(out.map((r) => [r.id, r.nearest]));
    const thead = document.createElement("thead"), tr = document.createElement("tr");
    for (const h of header.concat(["nearest", "country", "distance_km"])) {
      const th = document.createElement("th"); th.scope = "col"; th.textContent = h; tr.append(th);
    }
    thead.append(tr);
    const tbody = document.createElement("tbody");
    data.forEach((r, i) => {
      const row = document.createElement("tr");
      for (let j = 0; j < header.length; j++) row.append(cell(r[j]));
      const n = byRow.get(i);
      row.append(cell(n ? n.name : "—"), cell(n ? n.country : ""), cell(n ? n.distance_km.toFixed(3) : "", "num"));
      tbody.append(row);
    });
    table.append(thead, tbody);
    map.csv = records.map((r) => [r.point.lat, r.point.lon]);
    drawMap();
    status.textContent = "Enriched " + records.length + " rows" +
      (bad.length ? "; " + bad.length + " without usable coordinates (lines " + bad.slice(0, 5).join(", ") + (bad.length > 5 ? ", …" : "") + ")" : "") +
      (rows.length - 1 > MAX_CSV_ROWS ? "; only the first " + MAX_CSV_ROWS + " rows" : "") + ".";
  } catch (err) {
    status.textContent = describe(err); status.className = "error";
  }
}

function initCsv() {
  const drop = $("drop");
  drop.addEventListener("dragover", (ev) => { ev.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (ev) => {
    ev.preventDefault(); drop.classList.remove("over");
    const f = ev.dataTransfer.files[0];
    if (f) enrichCsv(f);
  });
  $("csv-file").addEventListener("change", (ev) => { const f = ev.target.files[0]; if (f) enrichCsv(f); });
}

// --- start ------------------------------------------------------------------------------------------------

async function refreshAll() {
  try {
    const h = await api("/health");
    $("version").textContent = h.version || "";
  } catch (err) {
    $("version").textContent = err instanceof ApiError && err.status === 503 ? "(starting)" : "";
  }
  try {
    await loadRefsets();
    map.refset = null;
    await loadMap();
  } catch (err) {
    $("status").textContent = describe(err); $("status").className = "error";
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) $("token").focus();
  }
  pollMetrics();
}

function init() {
  initToken();
  initMap();
  initCsv();
  $("search-form").addEventListener("submit", (ev) => { ev.preventDefault(); search(); });
  $("refset").addEventListener("change", () => { loadMap().then(search, (e) => { $("status").textContent = describe(e); }); });
  window.addEventListener("resize", () => drawSpark());
  refreshAll().then(search).then(() => { document.body.dataset.ready = "true"; });
  setInterval(pollMetrics, 2000);
}

init();
