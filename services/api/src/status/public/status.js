// The status page: polls /api/status (every 5 s, or ?every=<ms>) and draws it. Plain browser
// JavaScript, no build step; every figure is text set from the JSON, never HTML from it.
'use strict';

const every = Number(new URLSearchParams(location.search).get('every')) || 5000;
const $ = (selector) => document.querySelector(selector);
const figure = (name, value) => {
  for (const el of document.querySelectorAll(`[data-figure="${name}"]`))
    el.textContent = String(value);
};
const seconds = (ms) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);
const el = (tag, text, className) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = String(text);
  if (className) node.className = className;
  return node;
};
const row = (table, cells) => {
  const tr = el('tr');
  for (const cell of cells) tr.append(cell instanceof Node ? cell : el('td', cell));
  table.append(tr);
  return tr;
};
const state = (ok) => {
  const td = el('td');
  td.append(el('span', '', `dot ${ok ? 'ok' : 'bad'}`), ok ? 'ok' : 'down');
  return td;
};

function drawStages(report) {
  const stages = $('#stages');
  stages.replaceChildren();
  const names = ['sync.discover', 'sync.transform', 'sync.index'];
  names.forEach((name) => {
    const q = report.queues[name];
    const box = el('div', undefined, 'stage');
    box.dataset.queue = name;
    box.append(el('b', name));
    if (q) {
      const line = (label, value, key) => {
        const div = el('div', `${label} `);
        const span = el('span', value, 'num');
        span.dataset.figure = `queue:${name}:${key}`;
        div.append(span);
        box.append(div);
      };
      line('waiting', q.waiting + q.prioritized, 'waiting');
      line('active', q.active, 'active');
      line('failed', q.failed, 'failed');
      line('workers', q.workers ?? '?', 'workers');
      box.append(el('div', `oldest ${seconds(q.lagMs)}${q.paused ? ', paused' : ''}`, 'muted'));
    }
    stages.append(box);
    stages.append(el('span', '→', 'arrow'));
  });
  const es = el('div', undefined, 'stage');
  es.append(el('b', 'Elasticsearch'));
  const dep = report.dependencies.elasticsearch;
  es.append(el('div', dep ? (dep.ok ? 'answers' : `down: ${dep.error ?? ''}`) : '?'));
  stages.append(es);
}

function drawChart(id, values) {
  const line = $(`#${id} polyline`);
  if (values.length === 0) return line.setAttribute('points', '');
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? 300 / (values.length - 1) : 0;
  line.setAttribute(
    'points',
    values.map((v, i) => `${(i * step).toFixed(1)},${(68 - (v / max) * 66).toFixed(1)}`).join(' '),
  );
}

function draw(status) {
  const { report, series, scans, reconciliation, freshness } = status;
  document.body.dataset.checkedAt = report.checkedAt;
  figure('nodeId', report.nodeId);
  figure('version', report.version);
  figure('checkedAt', new Date(report.checkedAt).toLocaleTimeString());
  const badge = $('[data-figure="status"]');
  badge.className = `badge ${report.status}`;
  badge.textContent = report.status;
  const m = report.metrics;
  figure('backlog', report.backlog);
  figure('lag', seconds(report.lagMs));
  figure('discovered', m.totalDiscovered);
  figure('synced', m.totalSynced);
  figure('deleted', m.totalDeleted);
  figure('skipped', m.totalSkipped);
  figure('errors', m.totalErrors);
  figure('deadLetters', report.deadLetters.total);
  drawStages(report);

  const health = $('#health');
  health.replaceChildren();
  for (const [name, check] of Object.entries(report.health))
    row(health, [name, state(check.ok), check.detail]);

  const dead = $('#dead');
  dead.replaceChildren();
  for (const [reason, n] of Object.entries(report.deadLetters.byReason)) {
    const button = el('button', 'retry');
    button.addEventListener('click', () => retry(reason));
    const td = el('td');
    td.append(button);
    row(dead, [reason, n, td]);
  }

  const peers = $('#peers');
  peers.replaceChildren();
  for (const p of report.peers)
    row(peers, [
      `${p.kind} ${p.url}`,
      state(p.reachable),
      p.reachable ? seconds(p.latencyMs ?? 0) : (p.error ?? ''),
    ]);
  for (const [name, d] of Object.entries(report.dependencies))
    row(peers, [name, state(d.ok), d.error ?? '']);

  const scanTable = $('#scans');
  scanTable.replaceChildren();
  row(scanTable, [
    el('th', 'ended'),
    el('th', 'took'),
    el('th', 'discovered'),
    el('th', 'enqueued'),
    el('th', 'errors'),
  ]);
  for (const s of scans) {
    row(scanTable, [
      new Date(s.endedAt).toLocaleTimeString(),
      seconds(Date.parse(s.endedAt) - Date.parse(s.startedAt)),
      s.discovered,
      s.enqueued,
      s.errors,
    ]);
  }
  figure(
    'reconciliation',
    reconciliation
      ? `${reconciliation.checked} documents checked, ${reconciliation.orphans} orphans`
      : 'none yet',
  );

  figure('freshnessSamples', freshness.samples);
  figure('freshnessP50', freshness.p50Ms ?? '–');
  figure('freshnessP95', freshness.p95Ms ?? '–');
  figure('freshnessMax', freshness.maxMs ?? '–');

  const samples = series.samples;
  figure('samples', samples.length);
  figure('step', seconds(series.stepMs));
  const diffs = (key) => samples.slice(1).map((s, i) => Math.max(0, s[key] - samples[i][key]));
  drawChart('chart-synced', diffs('synced'));
  drawChart(
    'chart-backlog',
    samples.map((s) => s.transform + s.index),
  );
  drawChart(
    'chart-lag',
    samples.map((s) => s.lagMs / 1000),
  );
  drawChart(
    'chart-dead',
    samples.map((s) => s.deadLetters),
  );
}

async function retry(reason) {
  const token = window.prompt(`Admin token to retry every "${reason}" dead letter`);
  if (!token) return;
  const res = await fetch('/api/dead-letters/retry', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ reason }),
  });
  $('#error').textContent = res.ok ? '' : `retry failed: ${res.status}`;
}

async function poll() {
  try {
    const res = await fetch('/api/status', { cache: 'no-store' });
    const body = await res.json();
    if (res.ok) {
      draw(body);
      $('#error').textContent = '';
    } else {
      $('#error').textContent = body.message ?? `status ${res.status}`;
      const badge = $('[data-figure="status"]');
      badge.className = 'badge unavailable';
      badge.textContent = body.status ?? 'unavailable';
    }
  } catch (err) {
    $('#error').textContent = `cannot reach the API: ${err.message}`;
  } finally {
    setTimeout(poll, every);
  }
}

poll();
