// CSV import with progress. The import form works without this script (it
// posts and the server answers with a page); with it, the form is sent with
// fetch to the form's data-stream endpoint, which answers NDJSON: progress
// lines {"done": n, "total": m}, then one {"report": …, "message": …} or
// {"error": …} line. Each line moves the <progress> bar.

for (const form of document.querySelectorAll('form[data-import-run]')) {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    run(form, e.submitter).catch((err) => {
      show(form, `The import did not finish: ${err.message}. Reload the page to see what was saved.`, true);
    });
  });
}

async function run(form, submitter) {
  const box = form.querySelector('[data-import-progress]');
  const bar = form.querySelector('[data-import-bar]');
  // The body first: a disabled submitter would leave its mode out of it.
  const body = new FormData(form, submitter);
  for (const b of form.querySelectorAll('button[type="submit"]')) b.disabled = true;
  box.hidden = false;
  bar.removeAttribute('value'); // indeterminate until the first line
  show(form, 'Importing…');
  const csrf = form.querySelector('input[name="csrf"]')?.value ?? '';
  const res = await fetch(form.dataset.stream, {
    method: 'POST', body, credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf, Accept: 'application/x-ndjson' },
  });
  if (!res.ok || !res.body) {
    let msg = `the server answered ${res.status}`;
    try { msg = (await res.json()).error || msg; } catch { /* not JSON */ }
    throw new Error(msg.replace(/\.$/, ''));
  }
  let last = null;
  for await (const line of lines(res.body)) {
    const msg = JSON.parse(line);
    if ('done' in msg) {
      bar.max = Math.max(msg.total, 1);
      bar.value = msg.done;
      show(form, `${msg.done} of ${msg.total} steps done`);
    } else {
      last = msg;
    }
  }
  finish(form, bar, last);
}

function finish(form, bar, last) {
  if (!last) throw new Error('the answer ended early');
  if (last.error) {
    show(form, last.error, true);
    for (const b of form.querySelectorAll('button[type="submit"]')) b.disabled = false;
    return;
  }
  bar.value = bar.max;
  const ok = last.report && last.report.imported > 0;
  show(form, last.message, !ok, ok ? last.posts_url : '');
  form.removeAttribute('aria-busy');
}

// lines yields the complete lines of a streamed response body.
async function* lines(stream) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (line) yield line;
    }
  }
  if (buf.trim()) yield buf.trim();
}

function show(form, text, error = false, link = '') {
  const status = form.querySelector('[data-import-status]');
  status.textContent = text;
  status.classList.toggle('text-danger', error);
  if (link) {
    const a = document.createElement('a');
    a.href = link;
    a.textContent = 'See the posts';
    status.append(' ', a);
  }
}
