// The wfm web page: talks to the server's /v1 API with fetch, nothing else.
// Server data only ever reaches the page through textContent and element properties, never as
// HTML, so a prompt or an error message cannot inject markup.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const KEY_STORE = 'wfm.apiKey';
  const PAGE = 10;
  const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'blocked']);

  const state = {
    models: new Map(), // name -> ModelInfo
    job: null, // the job shown
    watch: null, // AbortController of the live view
    media: null, // object URL of the video shown
    after: '', // cursor of the next page of jobs
  };

  // ---- API ----

  class APIError extends Error {
    constructor(status, body) {
      super(errorText(status, body));
      this.status = status;
      this.body = body;
    }
  }

  function errorText(status, body) {
    if (body && typeof body === 'object') {
      const e = body.error;
      if (typeof e === 'string') return e;
      if (e && typeof e.message === 'string') return e.message;
      if (typeof body.message === 'string') return body.message;
    }
    if (typeof body === 'string' && body.trim()) return body.trim();
    return 'HTTP ' + status;
  }

  function apiKey() {
    return localStorage.getItem(KEY_STORE) || '';
  }

  function authHeaders(extra) {
    const h = new Headers(extra || {});
    const k = apiKey();
    if (k) h.set('Authorization', 'Bearer ' + k);
    return h;
  }

  async function api(path, opts) {
    opts = opts || {};
    const res = await fetch(path, Object.assign({}, opts, { headers: authHeaders(opts.headers) }));
    const ct = res.headers.get('Content-Type') || '';
    const body = ct.includes('json') ? await res.json().catch(() => null) : await res.text().catch(() => '');
    if (!res.ok) throw new APIError(res.status, body);
    return body;
  }

  const jobPath = (id) => '/v1/videos/' + encodeURIComponent(id);

  // ---- API key ----

  function showKeyState() {
    $('key-state').textContent = apiKey() ? 'key saved in this browser' : 'no key';
  }

  $('key-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const k = $('api-key').value.trim();
    if (k) localStorage.setItem(KEY_STORE, k);
    else localStorage.removeItem(KEY_STORE);
    showKeyState();
    loadModels();
    loadJobs(true);
  });

  // ---- models ----

  async function loadModels() {
    const sel = $('model');
    let list;
    try {
      const body = await api('/v1/models');
      list = Array.isArray(body) ? body : (body && (body.models || body.data)) || [];
    } catch (e) {
      $('model-info').textContent = 'models: ' + e.message;
      return;
    }
    const keep = sel.value;
    sel.replaceChildren();
    state.models.clear();
    for (const m of list) {
      state.models.set(m.name, m);
      const o = document.createElement('option');
      o.value = m.name;
      o.textContent = m.name + (m.kind ? ' (' + m.kind + ')' : '');
      sel.append(o);
    }
    if (state.models.has(keep)) sel.value = keep;
    modelChanged();
  }

  function modelChanged() {
    const m = state.models.get($('model').value);
    if (!m) {
      $('model-info').textContent = state.models.size ? '' : 'no models loaded';
      return;
    }
    const mult = m.size_multiple || 8;
    for (const [id, max] of [['width', m.max_width], ['height', m.max_height]]) {
      const el = $(id);
      el.step = mult;
      el.min = mult;
      if (max) el.max = max;
    }
    const f = $('frames');
    f.step = m.temporal_compression || 1;
    if (m.max_frames) f.max = m.max_frames;
    const cond = $('cond');
    cond.disabled = !m.video2world;
    $('cond-frames').disabled = !m.video2world;
    const parts = [];
    if (m.max_width) parts.push('up to ' + m.max_width + '×' + m.max_height + ', ' + m.max_frames + ' frames');
    if (m.size_multiple) parts.push('sides ×' + m.size_multiple + ', frames 1+k·' + m.temporal_compression);
    parts.push(m.video2world ? 'takes a condition image' : 'text only');
    $('model-info').textContent = parts.join('; ');
  }

  $('model').addEventListener('change', modelChanged);

  // ---- submit ----

  function numberField(id) {
    const v = $(id).value.trim();
    return v === '' ? undefined : Number(v);
  }

  function requestParams() {
    const p = { model: $('model').value, prompt: $('prompt').value };
    const neg = $('negative').value;
    if (neg.trim() !== '') p.negative_prompt = neg;
    for (const [id, name] of [['frames', 'frames'], ['width', 'width'], ['height', 'height'], ['seed', 'seed'],
      ['steps', 'steps'], ['guidance', 'guidance'], ['cond-frames', 'cond_frames']]) {
      if ($(id).disabled) continue;
      const n = numberField(id);
      if (n !== undefined) p[name] = n;
    }
    return p;
  }

  $('gen-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const params = requestParams();
    const file = $('cond').disabled ? null : $('cond').files[0];
    let init;
    if (file) {
      const fd = new FormData();
      for (const [k, v] of Object.entries(params)) fd.append(k, String(v));
      fd.append('condition', file, file.name);
      init = { method: 'POST', body: fd };
    } else {
      init = { method: 'POST', body: JSON.stringify(params), headers: { 'Content-Type': 'application/json' } };
    }
    $('submit').disabled = true;
    resetJobView();
    $('job').hidden = false;
    $('job-status').textContent = 'submitting…';
    try {
      const job = await api('/v1/videos', init);
      showJob(job);
      watch(job.id);
      loadJobs(true);
    } catch (e) {
      showSubmitError(e);
    } finally {
      $('submit').disabled = false;
    }
  });

  function showSubmitError(e) {
    $('job-status').textContent = 'not accepted';
    const reason = e instanceof APIError ? blockedReason(e.body) : '';
    if (reason) {
      $('blocked-reason').textContent = reason;
      $('blocked').hidden = false;
    } else {
      $('error').textContent = e.message;
      $('error').hidden = false;
    }
  }

  // blockedReason is the guard's reason when body says a guard blocked the request, else ''.
  function blockedReason(body) {
    if (!body || typeof body !== 'object') return '';
    const verdicts = [];
    for (const v of [body.verdict, body.guardrail, body.error && body.error.verdict]) if (v) verdicts.push(v);
    for (const list of [body.guardrails, body.verdicts, body.report && body.report.guardrails]) {
      if (Array.isArray(list)) verdicts.push(...list);
    }
    const reasons = [];
    for (const v of verdicts) {
      if (!v || v.allowed) continue;
      const rs = (v.findings || []).filter((f) => f.rule !== 'face-blur').map((f) => f.reason).filter(Boolean);
      reasons.push((v.stage ? v.stage + ': ' : '') + (rs.length ? rs.join('; ') : 'blocked'));
    }
    if (reasons.length) return reasons.join(' · ');
    if (body.status === 'blocked' || body.blocked) return errorText(0, body);
    return '';
  }

  // ---- one job ----

  function resetJobView() {
    if (state.watch) state.watch.abort();
    state.watch = null;
    if (state.media) URL.revokeObjectURL(state.media);
    state.media = null;
    state.job = null;
    $('job-id').textContent = '';
    $('job-status').textContent = '';
    $('progress').value = 0;
    $('progress').hidden = false;
    $('blocked').hidden = true;
    $('error').hidden = true;
    $('result').hidden = true;
    $('cancel').hidden = true;
    const v = $('video');
    v.removeAttribute('src');
    v.removeAttribute('data-content-url');
    v.load();
    $('image').removeAttribute('src');
    $('job-params').replaceChildren();
  }

  function progressFraction(job) {
    const p = job.progress;
    if (typeof p === 'number') return p > 1 ? p / 100 : p;
    if (p && typeof p === 'object' && p.total) return p.done / p.total;
    if (job.status === 'completed') return 1;
    return 0;
  }

  function showJob(job) {
    state.job = job;
    $('job').hidden = false;
    $('job-id').textContent = job.id;
    const frac = progressFraction(job);
    $('progress').value = frac;
    let s = job.status;
    if (job.status === 'running') s += ' ' + Math.round(frac * 100) + '%';
    if (job.status === 'queued' && typeof job.queue_position === 'number') s += ' (position ' + job.queue_position + ')';
    $('job-status').textContent = s;
    $('job-status').className = 'status-' + job.status;
    $('cancel').hidden = TERMINAL.has(job.status);
    const reason = job.status === 'blocked' ? blockedReason(job) || errorText(0, job) : '';
    $('blocked-reason').textContent = reason;
    $('blocked').hidden = !reason;
    const failed = job.status === 'failed' || job.status === 'cancelled';
    $('error').textContent = failed ? errorText(0, job) : '';
    $('error').hidden = !failed || !$('error').textContent;
    renderParams(job);
    if (job.status === 'completed' && !state.media) loadContent(job);
  }

  function paramsOf(job) {
    return job.params || job.request || job;
  }

  function renderParams(job) {
    const p = paramsOf(job);
    const r = job.report || {};
    const rows = [
      ['Model', p.model],
      ['Prompt', p.prompt],
      ['Negative prompt', p.negative_prompt],
      ['Size', sizeText(p)],
      ['Seed', p.seed !== undefined ? p.seed : r.seed],
      ['Steps', p.steps || r.steps],
      ['Guidance', p.guidance !== undefined && p.guidance !== null ? p.guidance : r.guidance],
      ['Condition frames', r.cond_frames || p.cond_frames],
      ['Sampler', r.sampler],
      ['Created', job.created_at],
      ['Started', job.started_at],
      ['Finished', job.finished_at],
      ['Generation', r.seconds ? r.seconds.toFixed(2) + ' s' : undefined],
      ['Sampling', r.sampling_seconds ? r.sampling_seconds.toFixed(2) + ' s' : undefined],
    ];
    const t = job.timings;
    if (t && typeof t === 'object') {
      for (const [k, v] of Object.entries(t)) rows.push([k.replace(/_/g, ' '), typeof v === 'number' ? v.toFixed(3) : v]);
    }
    const guards = job.guardrails || r.guardrails;
    if (Array.isArray(guards)) {
      for (const v of guards) rows.push([v.stage || 'guard', v.allowed ? 'allowed' : 'blocked']);
    }
    const dl = $('job-params');
    dl.replaceChildren();
    for (const [k, v] of rows) {
      if (v === undefined || v === null || v === '') continue;
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = String(v);
      dl.append(dt, dd);
    }
  }

  function sizeText(p) {
    if (!p.width && !p.frames) return '';
    return (p.frames || '?') + ' frames at ' + (p.width || '?') + '×' + (p.height || '?');
  }

  // loadContent fetches the video with the key (a <video src> cannot send one) and shows it as
  // a video or an image by the type the server gives.
  async function loadContent(job) {
    const url = jobPath(job.id) + '/content';
    let res;
    try {
      res = await fetch(url, { headers: authHeaders() });
      if (!res.ok) throw new APIError(res.status, await res.text());
    } catch (e) {
      $('error').textContent = 'video: ' + e.message;
      $('error').hidden = false;
      return;
    }
    const type = (res.headers.get('Content-Type') || '').split(';')[0].trim();
    const blob = await res.blob();
    if (state.job && state.job.id !== job.id) return;
    if (state.media) URL.revokeObjectURL(state.media);
    state.media = URL.createObjectURL(blob);
    const isImage = type.startsWith('image/');
    const v = $('video');
    const img = $('image');
    v.hidden = isImage;
    img.hidden = !isImage;
    if (isImage) {
      img.src = state.media;
    } else {
      v.dataset.contentUrl = url;
      v.src = state.media;
    }
    const ext = { 'video/mp4': 'mp4', 'image/gif': 'gif', 'video/x-yuv4mpeg': 'y4m' }[type] || 'bin';
    $('download').href = state.media;
    $('download').download = 'wfm-' + job.id + '.' + ext;
    $('result-info').textContent = type + ', ' + blob.size + ' bytes';
    $('result').hidden = false;
  }

  // watch follows a job live: Server-Sent Events read through fetch (EventSource cannot send
  // the key), and polling when the stream is unavailable or drops before the job ends.
  async function watch(id) {
    if (state.watch) state.watch.abort();
    const ctl = new AbortController();
    state.watch = ctl;
    try {
      await streamEvents(id, ctl.signal);
    } catch (e) {
      if (ctl.signal.aborted) return;
    }
    while (!ctl.signal.aborted && state.job && state.job.id === id && !TERMINAL.has(state.job.status)) {
      try {
        showJob(await api(jobPath(id), { signal: ctl.signal }));
      } catch (e) {
        if (ctl.signal.aborted) return;
      }
      if (TERMINAL.has(state.job.status)) break;
      await sleep(1000, ctl.signal);
    }
    if (!ctl.signal.aborted && state.job && TERMINAL.has(state.job.status)) loadJobs(true);
  }

  async function streamEvents(id, signal) {
    const res = await fetch(jobPath(id) + '/events', { headers: authHeaders({ Accept: 'text/event-stream' }), signal });
    if (!res.ok || !res.body) throw new APIError(res.status, '');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value.replace(/\r\n?/g, '\n');
      let cut;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const event = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
        if (!data) continue;
        let job;
        try {
          job = JSON.parse(data);
        } catch (e) {
          continue;
        }
        if (job && job.id === id) showJob(job);
        if (job && TERMINAL.has(job.status)) {
          reader.cancel();
          return;
        }
      }
    }
  }

  function sleep(ms, signal) {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      }, { once: true });
    });
  }

  $('cancel').addEventListener('click', async () => {
    if (!state.job) return;
    try {
      const job = await api(jobPath(state.job.id), { method: 'DELETE' });
      if (job && job.id) showJob(job);
    } catch (e) {
      $('error').textContent = 'cancel: ' + e.message;
      $('error').hidden = false;
    }
  });

  async function openJob(id) {
    resetJobView();
    try {
      const job = await api(jobPath(id));
      showJob(job);
      if (!TERMINAL.has(job.status)) watch(id);
      $('job').scrollIntoView({ block: 'start' });
    } catch (e) {
      $('job').hidden = false;
      $('error').textContent = e.message;
      $('error').hidden = false;
    }
  }

  // ---- past jobs ----

  async function loadJobs(fresh) {
    if (fresh) state.after = '';
    let body;
    try {
      const q = new URLSearchParams({ limit: String(PAGE) });
      if (state.after) q.set('after', state.after);
      body = await api('/v1/videos?' + q);
    } catch (e) {
      $('jobs-empty').textContent = 'jobs: ' + e.message;
      $('jobs-empty').hidden = false;
      return;
    }
    const jobs = Array.isArray(body) ? body : (body && (body.jobs || body.data || body.videos)) || [];
    const tb = $('jobs-body');
    if (fresh) tb.replaceChildren();
    for (const job of jobs) tb.append(jobRow(job));
    const next = body && !Array.isArray(body) ? body.next || body.next_after || '' : '';
    state.after = next;
    $('jobs-more').hidden = !next;
    $('jobs-empty').textContent = 'No jobs yet.';
    $('jobs-empty').hidden = tb.children.length > 0;
  }

  function jobRow(job) {
    const p = paramsOf(job);
    const r = job.report || {};
    const tr = document.createElement('tr');
    tr.dataset.id = job.id;
    const cells = [
      job.created_at ? new Date(job.created_at).toLocaleString() : '',
      job.status,
      p.model,
      p.prompt,
      sizeText(p),
      p.seed !== undefined ? p.seed : r.seed,
      p.steps || r.steps,
    ];
    cells.forEach((c, i) => {
      const td = document.createElement('td');
      td.textContent = c === undefined || c === null ? '' : String(c);
      if (i === 1) td.className = 'status-' + job.status;
      if (i === 3) td.className = 'prompt';
      tr.append(td);
    });
    const td = document.createElement('td');
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = 'Open';
    b.setAttribute('aria-label', 'Open job ' + job.id);
    b.addEventListener('click', () => openJob(job.id));
    td.append(b);
    tr.append(td);
    return tr;
  }

  $('jobs-refresh').addEventListener('click', () => loadJobs(true));
  $('jobs-more').addEventListener('click', () => loadJobs(false));

  // ---- start ----

  $('api-key').value = apiKey();
  showKeyState();
  loadModels();
  loadJobs(true);
})();
