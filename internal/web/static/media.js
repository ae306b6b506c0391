// Media uploads, shared by the media library page and the composer.
//
//   import { uploadFiles } from '/static/<hash>/media.js';
//   const assets = await uploadFiles(ws, files, { csrf, onProgress, onError });
//
// Files up to CHUNK bytes go in one multipart request; larger ones use the
// resumable protocol (POST /w/{ws}/media-uploads, then PATCH chunks with an
// Upload-Offset header), which asks the server for its offset and carries on
// after a lost connection.

const CHUNK = 8 * 1024 * 1024;
const RETRIES = 5;

function xhr(method, url, { csrf, body, headers = {}, onUpload } = {}) {
  return new Promise((resolve, reject) => {
    const req = new XMLHttpRequest();
    req.open(method, url);
    req.withCredentials = true;
    if (csrf) req.setRequestHeader('X-CSRF-Token', csrf);
    for (const [k, v] of Object.entries(headers)) req.setRequestHeader(k, v);
    if (onUpload) req.upload.addEventListener('progress', (e) => onUpload(e.loaded));
    req.addEventListener('load', () => {
      let data = null;
      try { data = req.responseText ? JSON.parse(req.responseText) : null; } catch { data = null; }
      resolve({ status: req.status, data, offset: Number(req.getResponseHeader('Upload-Offset')) });
    });
    req.addEventListener('error', () => reject(new Error('the connection was lost')));
    req.addEventListener('abort', () => reject(new Error('the upload was cancelled')));
    req.send(body);
  });
}

function failure(res) {
  return new Error((res.data && res.data.error) || `the server answered ${res.status}`);
}

async function uploadSmall(ws, file, csrf, progress) {
  const form = new FormData();
  form.append('file', file, file.name);
  const res = await xhr('POST', `/w/${ws}/media/upload`, { csrf, body: form, onUpload: (n) => progress(Math.min(n, file.size)) });
  if (res.status !== 201) throw failure(res);
  progress(file.size);
  return res.data;
}

async function uploadLarge(ws, file, csrf, progress) {
  const start = await xhr('POST', `/w/${ws}/media-uploads`, {
    csrf, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ filename: file.name, size: file.size }),
  });
  if (start.status !== 201) throw failure(start);
  const url = `/w/${ws}/media-uploads/${start.data.id}`;
  let offset = 0;
  let failures = 0;
  while (offset < file.size) {
    const chunk = file.slice(offset, offset + CHUNK);
    let res;
    try {
      res = await xhr('PATCH', url, {
        csrf, body: chunk, headers: { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
        onUpload: (n) => progress(offset + Math.min(n, chunk.size)),
      });
    } catch (err) {
      // Lost connection: wait, ask where the server is, and resume there.
      if (++failures > RETRIES) throw err;
      await new Promise((r) => setTimeout(r, 1000 * failures));
      const head = await xhr('GET', url).catch(() => null);
      if (head && head.status === 200) offset = head.data.offset;
      continue;
    }
    if (res.status === 409 && Number.isFinite(res.offset)) { offset = res.offset; continue; }
    if (res.status !== 200) throw failure(res);
    failures = 0;
    offset = res.data.offset;
    progress(offset);
    if (res.data.media) return res.data.media;
  }
  throw new Error('the upload ended without a file');
}

/**
 * Uploads files to a workspace's media library, several at a time.
 *
 * @param {string} ws workspace ID
 * @param {File[]} files the files (from an input or a drop)
 * @param {object} opts
 * @param {string} opts.csrf the page's CSRF token
 * @param {(file: File, sent: number, total: number) => void} [opts.onProgress]
 * @param {(file: File, message: string) => void} [opts.onError] one file failed (the others go on)
 * @param {(file: File, asset: object) => void} [opts.onDone] one file is in the library
 * @returns {Promise<object[]>} the created assets, as GET /w/{ws}/media.json describes them
 */
export async function uploadFiles(ws, files, { csrf, onProgress = () => {}, onError = () => {}, onDone = () => {} } = {}) {
  const created = [];
  const queue = [...files];
  async function worker() {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const progress = (sent) => onProgress(file, sent, file.size);
      try {
        progress(0);
        const asset = file.size > CHUNK ? await uploadLarge(ws, file, csrf, progress) : await uploadSmall(ws, file, csrf, progress);
        created.push(asset);
        onDone(file, asset);
      } catch (err) {
        onError(file, err.message);
      }
    }
  }
  await Promise.all([worker(), worker(), worker()]);
  return created;
}

// The library page: drag-and-drop or choose files, a progress bar per file,
// then reload to show the new thumbnails.
function libraryPage() {
  const box = document.querySelector('[data-media-upload]');
  if (!box) return;
  const list = box.querySelector('[data-upload-progress]');
  const drop = box.querySelector('[data-dropzone]');
  const bars = new Map();
  function row(file) {
    if (!bars.has(file)) {
      const li = document.createElement('li');
      const label = document.createElement('span');
      label.textContent = file.name;
      const bar = document.createElement('progress');
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute('aria-label', `Upload of ${file.name}`);
      const note = document.createElement('span');
      note.className = 'small muted';
      li.append(label, bar, note);
      list.append(li);
      bars.set(file, { bar, note });
    }
    return bars.get(file);
  }
  async function start(files) {
    if (!files.length) return;
    const made = await uploadFiles(box.dataset.ws, files, {
      csrf: box.dataset.csrf,
      onProgress: (f, sent, total) => { row(f).bar.value = total ? Math.round((sent / total) * 100) : 100; },
      onError: (f, msg) => { const r = row(f); r.note.className = 'field-error'; r.note.textContent = msg; },
      onDone: (f) => { row(f).note.textContent = 'Done'; },
    });
    if (made.length && made.length === files.length) window.location.reload();
  }
  box.querySelector('[data-file-input]').addEventListener('change', (e) => start([...e.target.files]));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('dropzone-over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('dropzone-over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('dropzone-over'); start([...e.dataTransfer.files]); });
}

libraryPage();
