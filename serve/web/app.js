// The wfm web page: talks to the server's /v1 API with fetch, nothing else.
// Server data only ever reaches the page through textContent and element properties, never as
// HTML, so a prompt or an error message cannot inject markup.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const KEY_STORE = 'wfm.apiKey';
  const PAGE = 10;
  const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
  // Content types a page can show, and the file extension of each format the server offers.
  const EXT = { 'video/mp4': 'mp4', 'image/gif': 'gif', 'video/x-yuv4mpeg': 'y4m' };

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
    if (status === 401) return 'the server wants an API key: enter it above (HTTP 401)';
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
    loadReports();
  });

  // ---- models ----

  async function loadModels() {
    const sel = $('model');
    let list;
    try {
      const body = await api('/v1/models');
      list = (body && body.data) || [];
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
      // The server reads the parameters from the "request" field and sniffs the file itself.
      const fd = new FormData();
      fd.append('request', JSON.stringify(params));
      fd.append('input', file, file.name);
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
    $('job-status').className = 'status-failed';
    $('progress').hidden = true;
    $('job-details').hidden = true;
    const reason = e instanceof APIError ? blockedReason(e.body) : '';
    if (reason) {
      $('blocked-reason').textContent = reason;
      $('blocked').hidden = false;
    } else {
      $('error').textContent = e.message;
      $('error').hidden = false;
    }
  }

  // blockedReason is the guard's reason when body (an error response or a job) says a guard
  // blocked the request, else ''.
  function blockedReason(body) {
    const e = body && typeof body === 'object' ? body.error : null;
    if (!e || typeof e !== 'object' || e.code !== 'blocked') return '';
    const v = e.verdict;
    if (!v) return e.message || 'blocked';
    const rs = (v.findings || []).filter((f) => f.rule !== 'face-blur').map((f) => f.reason).filter(Boolean);
    return (v.stage ? v.stage + ': ' : '') + (rs.length ? rs.join('; ') : e.message || 'blocked');
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
    $('job-status').className = '';
    $('job-details').hidden = false;
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
    $('downloads').replaceChildren();
    delete $('job').dataset.live;
  }

  function progressFraction(job) {
    if (job.status === 'completed') return 1;
    return typeof job.progress === 'number' ? job.progress : 0;
  }

  function showJob(job) {
    state.job = job;
    $('job').hidden = false;
    $('job-id').textContent = job.id;
    const frac = progressFraction(job);
    $('progress').value = frac;
    let s = job.status;
    if (job.status === 'running') {
      s += ' ' + Math.round(frac * 100) + '%';
      if (job.evaluations) s += ' (' + job.evaluations_done + ' of ' + job.evaluations + ' evaluations)';
    }
    $('job-status').textContent = s;
    $('job-status').className = 'status-' + job.status;
    $('cancel').hidden = TERMINAL.has(job.status);
    const reason = blockedReason(job);
    $('blocked-reason').textContent = reason;
    $('blocked').hidden = !reason;
    const failed = !reason && job.error && (job.status === 'failed' || job.status === 'cancelled');
    $('error').textContent = failed ? errorText(0, job) : '';
    $('error').hidden = !failed;
    renderParams(job);
    if (job.status === 'completed' && !state.media) loadContent(job);
  }

  function paramsOf(job) {
    return job.params || {};
  }

  function seconds(x) {
    return typeof x === 'number' && x > 0 ? x.toFixed(2) + ' s' : undefined;
  }

  function renderParams(job) {
    const p = paramsOf(job);
    const r = job.report || {};
    const rows = [
      ['Model', job.model || p.model],
      ['Prompt', p.prompt],
      ['Upsampled prompt', r.upsampled_prompt],
      ['Negative prompt', p.negative_prompt],
      ['Size', sizeText(p)],
      ['Seed', job.seed],
      ['Steps', p.steps],
      ['Sampler', r.sampler || p.sampler],
      ['Guidance', r.guidance !== undefined ? r.guidance : p.guidance],
      ['Condition', job.input ? job.input + (r.cond_frames ? ', ' + r.cond_frames + ' frames kept' : '') : undefined],
      ['Created', job.created_at],
      ['Started', job.started_at],
      ['Finished', job.finished_at],
      ['Waited in queue', seconds(job.queue_seconds)],
      ['Ran', seconds(job.run_seconds)],
      ['Sampling', seconds(r.sampling_seconds)],
      ['Evaluations', job.evaluations ? job.evaluations_done + ' of ' + job.evaluations : undefined],
      ['Attempts', job.attempts > 1 ? job.attempts : undefined],
    ];
    const verdicts = Array.isArray(r.guardrails) && r.guardrails.length ? r.guardrails : job.prompt_verdict ? [job.prompt_verdict] : [];
    for (const v of verdicts) rows.push(['Guard ' + (v.stage || ''), v.allowed ? 'allowed' : 'blocked']);
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
    return p.frames + ' frames at ' + p.width + '×' + p.height;
  }

  // fetchContent fetches a job's video with the key (a <video src> cannot send one).
  async function fetchContent(id, format) {
    const url = jobPath(id) + '/content' + (format ? '?format=' + encodeURIComponent(format) : '');
    const res = await fetch(url, { headers: authHeaders() });
    if (!res.ok) {
      const ct = res.headers.get('Content-Type') || '';
      throw new APIError(res.status, ct.includes('json') ? await res.json().catch(() => null) : await res.text());
    }
    const type = (res.headers.get('Content-Type') || '').split(';')[0].trim();
    return { url, type, blob: await res.blob() };
  }

  // loadContent shows a finished job's video as a <video> or an <img> by the type the server
  // gives (MP4 when the server has ffmpeg, else GIF), and offers every format for download.
  async function loadContent(job) {
    const formats = Array.isArray(job.formats) ? job.formats : [];
    let got;
    try {
      got = await fetchContent(job.id, formats.length && !formats.includes('mp4') && formats.includes('gif') ? 'gif' : '');
      if (!got.type.startsWith('video/mp4') && !got.type.startsWith('image/') && formats.includes('gif')) {
        got = await fetchContent(job.id, 'gif');
      }
    } catch (e) {
      $('error').textContent = 'video: ' + e.message;
      $('error').hidden = false;
      return;
    }
    if (!state.job || state.job.id !== job.id) return;
    if (state.media) URL.revokeObjectURL(state.media);
    state.media = URL.createObjectURL(got.blob);
    const isImage = got.type.startsWith('image/');
    const v = $('video');
    const img = $('image');
    v.hidden = isImage;
    img.hidden = !isImage;
    const shown = isImage ? img : v;
    shown.dataset.contentUrl = got.url;
    shown.src = state.media;
    const link = $('download');
    link.href = state.media;
    link.download = 'wfm-' + job.id + '.' + (EXT[got.type] || 'bin');
    link.textContent = 'Download ' + (EXT[got.type] || got.type).toUpperCase();
    const more = $('downloads');
    more.replaceChildren();
    for (const f of formats) {
      if (f === EXT[got.type]) continue;
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = 'Download ' + f.toUpperCase();
      b.addEventListener('click', () => download(job.id, f));
      more.append(b);
    }
    $('result-info').textContent = got.type + ', ' + got.blob.size + ' bytes';
    $('result').hidden = false;
  }

  async function download(id, format) {
    try {
      const got = await fetchContent(id, format);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(got.blob);
      a.download = 'wfm-' + id + '.' + format;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 60000);
    } catch (e) {
      $('error').textContent = 'download: ' + e.message;
      $('error').hidden = false;
    }
  }

  // watch follows a job live: Server-Sent Events read through fetch (EventSource cannot send
  // the key), and polling when the stream is unavailable or drops before the job ends.
  async function watch(id) {
    if (state.watch) state.watch.abort();
    const ctl = new AbortController();
    state.watch = ctl;
    // data-live says how the page followed the job: "events", or "polling" when the stream failed.
    $('job').dataset.live = 'events';
    try {
      await streamEvents(id, ctl.signal);
    } catch (e) {
      if (ctl.signal.aborted) return;
    }
    if (state.job && state.job.id === id && !TERMINAL.has(state.job.status)) $('job').dataset.live = 'polling';
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
    const jobs = (body && body.data) || [];
    const tb = $('jobs-body');
    if (fresh) tb.replaceChildren();
    for (const job of jobs) tb.append(jobRow(job));
    // A page is newest first; the next one starts after its last job.
    const next = body.has_more && body.last_id ? body.last_id : '';
    state.after = next;
    $('jobs-more').hidden = !next;
    $('jobs-empty').textContent = 'No jobs yet.';
    $('jobs-empty').hidden = tb.children.length > 0;
  }

  function jobRow(job) {
    const p = paramsOf(job);
    const tr = document.createElement('tr');
    tr.dataset.id = job.id;
    const cells = [
      job.created_at ? new Date(job.created_at).toLocaleString() : '',
      job.status,
      job.model || p.model,
      p.prompt,
      sizeText(p),
      job.seed,
      p.steps,
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

  // ---- benchmark reports ----

  async function loadReports() {
    const ul = $('reports-list');
    let files;
    try {
      const body = await api('/v1/reports');
      files = (body && body.data) || [];
    } catch (e) {
      $('reports-empty').textContent = 'reports: ' + e.message;
      $('reports-empty').hidden = false;
      return;
    }
    ul.replaceChildren();
    for (const f of files) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = f.url;
      a.target = '_blank';
      a.rel = 'noopener';
      a.textContent = f.name;
      const info = document.createElement('span');
      info.className = 'muted';
      info.textContent = ' ' + f.size + ' bytes, ' + new Date(f.modified_at).toLocaleString();
      li.append(a, info);
      ul.append(li);
    }
    $('reports-empty').hidden = files.length > 0;
  }

  // ---- start ----

  $('api-key').value = apiKey();
  showKeyState();
  loadModels();
  loadJobs(true);
  loadReports();
})();
