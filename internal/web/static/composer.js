// The composer: live validation through the server (so the browser never
// counts differently from the publisher), a preview per channel, variants,
// thread splitting, media with alt text, link cards and snippets. The form
// posts normally; this script keeps its hidden "state" field current.

const form = document.querySelector('[data-composer]');
if (form) init(form);

function init(form) {
  const ws = form.dataset.ws;
  const csrf = form.querySelector('input[name="csrf"]').value;
  const stateField = form.querySelector('[data-state]');
  const text = form.querySelector('[data-text]');
  const highlights = form.querySelector('[data-highlights]');
  const counters = form.querySelector('[data-counters]');
  const tabs = form.querySelector('[data-tabs]');
  const panels = form.querySelector('[data-panels]');
  const empty = form.querySelector('[data-preview-empty]');
  const threadBox = form.querySelector('[data-thread]');
  const mediaList = form.querySelector('[data-media-list]');
  const verdict = form.querySelector('[data-verdict]');
  const linkInput = form.querySelector('[data-link]');
  const linkCard = form.querySelector('[data-link-card]');

  let state = JSON.parse(stateField.value || '{}');
  state.base = state.base || { text: '' };
  state.variants = state.variants || {};
  let report = null;
  let activeTab = null;
  let seq = 0;
  let card = null; // the link preview card of state.base.link

  form.querySelector('[data-tools]').hidden = false;
  form.querySelector('[data-add-part]').hidden = false;

  async function post(path, body) {
    const res = await fetch(`/w/${ws}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
    const data = await res.json().catch(() => ({ error: `The server answered ${res.status}.` }));
    if (!res.ok) throw new Error(data.error || `The server answered ${res.status}.`);
    return data;
  }

  // ---- State ---------------------------------------------------------------

  function collect() {
    const b = state.base;
    b.text = text.value;
    b.link = linkInput.value.trim() || undefined;
    b.first_comment = form.querySelector('[data-first-comment]').value || undefined;
    const parts = [...threadBox.querySelectorAll('[data-thread-text]')];
    const old = b.thread || [];
    b.thread = parts.map((t, i) => ({ text: t.value, media: (old[i] || {}).media }))
      .filter((s) => s.text.trim() !== '' || (s.media || []).length);
    if (!b.thread.length) delete b.thread;
    const opts = {};
    for (const el of form.querySelectorAll('[data-option]')) {
      if (el.type === 'checkbox') {
        if (el.checked) opts[el.dataset.option] = el.value;
      } else if (el.value.trim()) {
        opts[el.dataset.option] = el.value.trim();
      }
    }
    b.options = Object.keys(opts).length ? opts : undefined;
    state.channels = [...form.querySelectorAll('input[name="channel"]:checked')].map((c) => c.value);
    for (const id of Object.keys(state.variants)) {
      if (!state.channels.includes(id)) delete state.variants[id];
    }
    stateField.value = JSON.stringify(state);
  }

  // ---- Validation ------------------------------------------------------------

  let timer = null;
  function schedule() {
    collect();
    drawHighlights(null);
    clearTimeout(timer);
    timer = setTimeout(validate, 180);
  }

  async function validate() {
    const mine = ++seq;
    if (!state.channels.length) {
      report = null;
      render();
      return;
    }
    try {
      const rep = await post('/compose/validate', { base: state.base, channels: state.channels, variants: state.variants, post_id: state.post_id });
      if (mine !== seq) return; // a newer request is on its way
      report = rep;
      render();
    } catch (err) {
      if (mine !== seq) return;
      verdict.textContent = err.message;
    }
  }

  function render() {
    drawHighlights(report ? report.base_highlights : null);
    counters.replaceChildren();
    tabs.replaceChildren();
    panels.replaceChildren();
    empty.hidden = !!(report && report.targets.length);
    if (!report) {
      verdict.textContent = '';
      return;
    }
    let errors = 0;
    for (const t of report.targets) {
      errors += t.errors.length;
      counters.append(counterFor(t));
    }
    verdict.textContent = errors ? `${errors} problem${errors > 1 ? 's' : ''} to fix before scheduling` : 'Ready for every picked channel';
    if (!report.targets.some((t) => t.channel_id === activeTab)) activeTab = report.targets[0].channel_id;
    for (const t of report.targets) {
      const tab = el('button', { type: 'button', role: 'tab', id: `tab-${t.channel_id}`, 'aria-controls': `panel-${t.channel_id}`,
        'aria-selected': String(t.channel_id === activeTab), class: `tab${t.errors.length ? ' tab-error' : ''}`, 'data-tab': t.channel_id },
        `${t.network_name}: ${t.channel_name}`);
      if (t.errors.length) tab.append(el('span', { class: 'badge badge-error' }, String(t.errors.length)));
      tab.addEventListener('click', () => { activeTab = t.channel_id; render(); });
      tabs.append(tab);
      const panel = el('div', { role: 'tabpanel', id: `panel-${t.channel_id}`, 'aria-labelledby': `tab-${t.channel_id}`, class: 'tab-panel', 'data-panel': t.channel_id });
      panel.hidden = t.channel_id !== activeTab;
      panel.append(problems(t), preview(t), variantEditor(t));
      panels.append(panel);
    }
  }

  function counterFor(t) {
    const c = t.counters[0];
    const over = t.counters.some((x) => x.over);
    const label = c.max ? `${c.used}/${c.max}` : `${c.used}`;
    const node = el('span', { class: `counter${over ? ' counter-over' : ''}`, 'data-counter': t.channel_id, title: `${t.network_name} counts ${c.unit}` },
      `${t.network_name} ${label}`);
    if (t.counters.length > 1) node.append(` · ${t.counters.length} parts`);
    return node;
  }

  function problems(t) {
    const box = el('div', { class: 'checks' });
    if (!t.errors.length && !t.warnings.length) {
      box.append(el('p', { class: 'check-ok', 'data-ok': '' }, `Nothing ${t.network_name} would refuse.`));
    }
    for (const p of t.errors) box.append(el('p', { class: 'check check-error', 'data-error': p.code, 'data-field': p.field }, p.message));
    for (const p of t.warnings) box.append(el('p', { class: 'check check-warning', 'data-warning': p.code, 'data-field': p.field }, p.message));
    return box;
  }

  // ---- Preview ---------------------------------------------------------------

  function preview(t) {
    const c = t.content;
    const box = el('div', { class: `pv pv-${t.network}`, 'data-preview': t.network });
    const segs = [{ text: c.text, media: c.media }, ...(c.thread || [])];
    segs.forEach((s, i) => {
      const post = el('article', { class: 'pv-post' });
      post.append(el('header', { class: 'pv-head' },
        el('span', { class: 'pv-avatar', 'aria-hidden': 'true' }, initials(t.channel_name)),
        el('span', { class: 'pv-name' }, t.channel_name),
        el('span', { class: 'pv-handle' }, t.handle && handleFor(t) !== t.channel_name ? handleFor(t) : ''),
        segs.length > 1 ? el('span', { class: 'pv-part' }, `${i + 1}/${segs.length}`) : ''));
      const cw = (c.options || {}).content_warning;
      const body = el('div', { class: 'pv-text' });
      body.append(...linkify(s.text, t.highlights[i] || []));
      if (cw && t.network === 'mastodon') {
        const det = el('details', { class: 'pv-cw' }, el('summary', {}, cw));
        det.append(body);
        post.append(det);
      } else {
        post.append(body);
      }
      if ((s.media || []).length) post.append(mediaPreview(s.media));
      if (i === 0 && c.link && card) post.append(cardPreview(card));
      box.append(post);
    });
    if (c.first_comment) {
      box.append(el('article', { class: 'pv-post pv-comment' }, el('p', { class: 'pv-label' }, 'First comment'), el('div', { class: 'pv-text' }, c.first_comment)));
    }
    return box;
  }

  function handleFor(t) {
    if (t.network === 'bluesky' || t.network === 'mastodon' || t.network === 'fake') return t.handle.startsWith('@') ? t.handle : `@${t.handle}`;
    return t.handle;
  }

  function linkify(str, marks) {
    // marks are UTF-16 offsets, which is how JavaScript indexes strings.
    const out = [];
    let at = 0;
    for (const m of marks) {
      if (m.start < at) continue;
      out.push(str.slice(at, m.start));
      out.push(el('span', { class: `pv-${m.kind}` }, str.slice(m.start, m.end)));
      at = m.end;
    }
    out.push(str.slice(at));
    return out;
  }

  function mediaPreview(refs) {
    const grid = el('div', { class: `pv-media pv-media-${Math.min(refs.length, 4)}` });
    for (const ref of refs) {
      const m = media.get(ref.id);
      const alt = ref.alt || (m && m.alt) || '';
      if (m && m.thumb_url) grid.append(el('img', { src: m.thumb_url, alt, loading: 'lazy' }));
      else grid.append(el('div', { class: 'pv-media-missing' }, alt || 'media'));
    }
    return grid;
  }

  function cardPreview(cd) {
    const a = el('div', { class: 'pv-card', 'data-card': '' });
    // The page's policy allows images from Herald only: a card image shows
    // when the preview endpoint inlined it, never fetched from the site.
    const img = cd.image_data || (cd.image && cd.image.startsWith('/') ? cd.image : '');
    if (img) a.append(el('img', { src: img, alt: '', loading: 'lazy' }));
    a.append(el('div', { class: 'pv-card-body' }, el('p', { class: 'pv-card-site' }, cd.site_name || hostOf(cd.url)),
      el('p', { class: 'pv-card-title' }, cd.title || cd.url), cd.description ? el('p', { class: 'pv-card-desc' }, cd.description) : ''));
    return a;
  }

  // ---- Variants --------------------------------------------------------------

  function variantEditor(t) {
    const box = el('div', { class: 'variant' });
    const v = state.variants[t.channel_id];
    if (!v || v.text === undefined) {
      const b = el('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-customise': t.channel_id }, `Customise for ${t.channel_name}`);
      b.addEventListener('click', () => {
        state.variants[t.channel_id] = { ...(state.variants[t.channel_id] || {}), text: text.value };
        schedule();
      });
      box.append(el('p', { class: 'muted small' }, 'Uses the base text.'), b);
      return box;
    }
    const id = `variant-${t.channel_id}`;
    const area = el('textarea', { id, rows: '5', class: 'input', 'data-variant-text': t.channel_id });
    area.value = v.text;
    area.addEventListener('input', () => { state.variants[t.channel_id].text = area.value; collect(); clearTimeout(timer); timer = setTimeout(validate, 180); });
    const reset = el('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'data-reset': t.channel_id }, 'Reset to base');
    reset.addEventListener('click', () => { delete state.variants[t.channel_id]; schedule(); });
    box.append(el('label', { for: id }, `Text for ${t.channel_name} only`), area, reset);
    return box;
  }

  // ---- Highlights in the editor ---------------------------------------------

  function drawHighlights(marks) {
    const str = text.value;
    highlights.replaceChildren(...(marks ? linkify(str, marks).map((n) => (typeof n === 'string' ? document.createTextNode(n) : mark(n))) : [str]));
    highlights.append('\n'); // keeps the backdrop as tall as a textarea ending in a newline
    highlights.scrollTop = text.scrollTop;
  }

  function mark(span) {
    const m = el('mark', { class: span.className.replace('pv-', 'hl-') });
    m.textContent = span.textContent;
    return m;
  }

  text.addEventListener('scroll', () => { highlights.scrollTop = text.scrollTop; });

  // ---- Thread ----------------------------------------------------------------

  function setThread(parts) {
    threadBox.querySelectorAll('[data-thread-part]').forEach((n) => n.remove());
    for (const p of parts) addPart(p);
  }

  function addPart(value) {
    const wrap = el('div', { class: 'thread-part', 'data-thread-part': '' });
    const area = el('textarea', { name: 'thread', rows: '3', class: 'input', 'data-thread-text': '' });
    area.value = value || '';
    const n = threadBox.querySelectorAll('[data-thread-part]').length + 2;
    const remove = el('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'data-remove-part': '' }, 'Remove');
    remove.addEventListener('click', () => { wrap.remove(); renumber(); schedule(); });
    wrap.append(el('label', {}, el('span', { class: 'part-label' }, `Part ${n}`), area), remove);
    threadBox.append(wrap);
    return area;
  }

  function renumber() {
    threadBox.querySelectorAll('[data-thread-part]').forEach((p, i) => {
      const l = p.querySelector('.part-label');
      if (l) l.textContent = `Part ${i + 2}`;
    });
  }

  form.querySelector('[data-add-part]').addEventListener('click', () => { addPart('').focus(); schedule(); });

  form.querySelector('[data-split]').addEventListener('click', async () => {
    collect();
    const all = [text.value, ...(state.base.thread || []).map((s) => s.text)].join('\n\n');
    try {
      const res = await post('/compose/split', { text: all, channels: state.channels, numbered: form.querySelector('[data-split-numbered]').checked });
      text.value = res.parts[0] || '';
      setThread(res.parts.slice(1));
      schedule();
    } catch (err) {
      verdict.textContent = err.message;
    }
  });

  // ---- Media -----------------------------------------------------------------

  const media = new Map(); // id -> library asset JSON
  const dialog = document.querySelector('[data-media-dialog]');

  async function loadLibrary(q) {
    const res = await fetch(`/w/${ws}/media.json?q=${encodeURIComponent(q || '')}`, { credentials: 'same-origin' });
    if (!res.ok) return [];
    const data = await res.json();
    const items = data.media || data.items || [];
    for (const m of items) media.set(m.id, m);
    return items;
  }

  function drawMedia() {
    mediaList.replaceChildren();
    (state.base.media || []).forEach((ref, i) => {
      const m = media.get(ref.id) || {};
      const id = `alt-${i}`;
      const alt = el('textarea', { id, rows: '2', class: 'input', 'data-alt': ref.id, placeholder: m.alt || 'Describe the image for people who cannot see it' });
      alt.value = ref.alt || '';
      alt.addEventListener('input', () => { ref.alt = alt.value || undefined; schedule(); });
      const remove = el('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'data-remove-media': ref.id }, 'Remove');
      remove.addEventListener('click', () => { state.base.media.splice(i, 1); if (!state.base.media.length) delete state.base.media; drawMedia(); schedule(); });
      mediaList.append(el('li', { class: 'media-item' },
        m.thumb_url ? el('img', { src: m.thumb_url, alt: '' }) : el('span', { class: 'media-kind' }, m.kind || 'media'),
        el('div', { class: 'media-item-body' }, el('label', { for: id }, `Alt text for ${m.filename || 'this file'}`), alt), remove));
    });
  }

  function attach(asset) {
    media.set(asset.id, asset);
    state.base.media = state.base.media || [];
    if (!state.base.media.some((r) => r.id === asset.id)) state.base.media.push({ id: asset.id });
    drawMedia();
    schedule();
  }

  async function showLibrary(q) {
    const grid = dialog.querySelector('[data-media-grid]');
    const items = await loadLibrary(q);
    grid.replaceChildren(...items.map((m) => {
      const b = el('button', { type: 'button', class: 'media-pick', 'data-pick': m.id, title: m.filename },
        m.thumb_url ? el('img', { src: m.thumb_url, alt: m.alt || m.filename }) : el('span', {}, m.filename));
      if (m.expired) b.disabled = true;
      b.addEventListener('click', () => { attach(m); dialog.close(); });
      return el('li', {}, b);
    }));
    if (!items.length) grid.append(el('li', { class: 'muted' }, 'No media yet: drop files above.'));
  }

  form.querySelector('[data-add-media]').addEventListener('click', () => { dialog.showModal(); showLibrary(''); });
  dialog.querySelector('[data-media-search]').addEventListener('input', (e) => showLibrary(e.target.value));

  async function upload(files) {
    const progress = dialog.querySelector('[data-upload-progress]');
    const mod = await import(dialog.dataset.uploadModule || form.dataset.uploadModule);
    const assets = await mod.uploadFiles(ws, files, {
      csrf,
      onProgress: (file, sent, total) => {
        let bar = progress.querySelector(`[data-file="${CSS.escape(file.name)}"]`);
        if (!bar) {
          bar = el('progress', { max: '100', 'data-file': file.name });
          progress.append(el('label', {}, file.name, bar));
        }
        bar.value = total ? Math.round((sent / total) * 100) : 100;
      },
      onError: (file, message) => progress.append(el('p', { class: 'field-error' }, `${file.name}: ${message}`)),
    });
    for (const a of assets) attach(a);
    if (assets.length) dialog.close();
  }

  dialog.querySelector('[data-file-input]').addEventListener('change', (e) => upload([...e.target.files]));
  const drop = dialog.querySelector('[data-dropzone]');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('dropzone-over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('dropzone-over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('dropzone-over'); upload([...e.dataTransfer.files]); });

  // ---- Link card -------------------------------------------------------------

  let cardTimer = null;
  async function fetchCard() {
    const url = linkInput.value.trim();
    card = null;
    linkCard.replaceChildren();
    if (!/^https?:\/\/./.test(url)) return;
    try {
      const res = await fetch(`/w/${ws}/links/preview?url=${encodeURIComponent(url)}`, { credentials: 'same-origin' });
      const data = await res.json();
      if (linkInput.value.trim() !== url) return;
      if (!res.ok || data.error) {
        linkCard.append(el('p', { class: 'muted small', 'data-card-error': '' }, `No preview: ${data.error || res.status}. Publishing works without it.`));
        return;
      }
      card = { ...data, url };
      linkCard.append(cardPreview(card));
      render();
    } catch {
      linkCard.append(el('p', { class: 'muted small' }, 'No preview could be fetched. Publishing works without it.'));
    }
  }
  linkInput.addEventListener('input', () => { schedule(); clearTimeout(cardTimer); cardTimer = setTimeout(fetchCard, 500); });

  // ---- Snippets --------------------------------------------------------------

  const snippetSelect = form.querySelector('[data-snippets]');
  const varsBox = form.querySelector('[data-snippet-vars]');
  let snippets = [];
  fetch(`/w/${ws}/compose/snippets`, { credentials: 'same-origin' }).then((r) => (r.ok ? r.json() : { snippets: [] })).then((d) => {
    snippets = d.snippets;
    for (const kind of ['template', 'hashtags']) {
      const group = el('optgroup', { label: kind === 'template' ? 'Templates' : 'Hashtag groups' });
      for (const s of snippets.filter((x) => x.kind === kind)) group.append(el('option', { value: s.id }, s.name));
      if (group.children.length) snippetSelect.append(group);
    }
  });

  function insert(str) {
    const start = text.selectionStart ?? text.value.length;
    const end = text.selectionEnd ?? start;
    const before = text.value.slice(0, start);
    const pad = before && !/\s$/.test(before) ? ' ' : '';
    text.value = before + pad + str + text.value.slice(end);
    text.focus();
    schedule();
  }

  async function expand(s, vars) {
    try {
      const res = await post('/compose/expand', { id: s.id, vars, time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone });
      insert(res.text);
      varsBox.hidden = true;
      varsBox.replaceChildren();
    } catch (err) {
      varsBox.append(el('p', { class: 'field-error' }, err.message));
    }
  }

  snippetSelect.addEventListener('change', () => {
    const s = snippets.find((x) => x.id === snippetSelect.value);
    snippetSelect.value = '';
    if (!s) return;
    if (s.kind === 'hashtags') { insert(s.body); return; }
    if (!s.variables.length) { expand(s, {}); return; }
    varsBox.replaceChildren();
    const inputs = s.variables.map((v) => {
      const inp = el('input', { class: 'input', 'data-var': v, required: '' });
      varsBox.append(el('label', {}, `{{${v}}}`, inp));
      return inp;
    });
    const go = el('button', { type: 'button', class: 'btn btn-secondary btn-sm' }, `Insert “${s.name}”`);
    go.addEventListener('click', () => expand(s, Object.fromEntries(inputs.map((i) => [i.dataset.var, i.value]))));
    varsBox.append(go);
    varsBox.hidden = false;
    inputs[0].focus();
  });

  // ---- Channel picker --------------------------------------------------------

  const search = form.querySelector('[data-channel-search]');
  if (search) {
    search.addEventListener('input', () => {
      const q = search.value.trim().toLowerCase();
      let shown = 0;
      for (const g of form.querySelectorAll('[data-picker-group]')) {
        let any = false;
        for (const item of g.querySelectorAll('[data-picker-item]')) {
          const hit = !q || item.dataset.search.toLowerCase().includes(q);
          item.hidden = !hit;
          any ||= hit;
          if (hit) shown++;
        }
        g.hidden = !any;
      }
      form.querySelector('[data-picker-empty]').hidden = shown > 0;
    });
  }

  // ---- Wiring ----------------------------------------------------------------

  form.addEventListener('input', (e) => {
    if (e.target.matches('[data-text], [data-thread-text], [data-first-comment], [data-option], input[name="channel"]')) schedule();
  });
  form.addEventListener('change', (e) => { if (e.target.matches('input[name="channel"], [data-option]')) schedule(); });
  form.addEventListener('submit', collect);

  // Existing media of a saved post: look them up so previews show them.
  if ((state.base.media || []).length) loadLibrary('').then(drawMedia);
  if (linkInput.value) fetchCard();
  schedule();
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) if (c !== '' && c != null) node.append(c);
  return node;
}

function initials(name) {
  // Handles start with @ and may hold dots: initials come from the letters.
  const words = (name || '').split(/[\s.@_-]+/).filter((w) => /\p{L}|\p{N}/u.test(w));
  return words.slice(0, 2).map((w) => [...w.replace(/[^\p{L}\p{N}]/gu, '')][0].toUpperCase()).join('') || '?';
}

function hostOf(u) {
  try { return new URL(u).host; } catch { return u; }
}
