// Publishing helpers: planned times also in the viewer's own time zone when
// it differs from the channel's, and drag-and-drop reordering of a channel's
// queue (the up/down buttons do the same without this script).

const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

for (const el of document.querySelectorAll('time[data-local-time]')) {
  if (!viewerZone || el.dataset.zone === viewerZone) continue;
  const at = new Date(el.getAttribute('datetime'));
  if (Number.isNaN(at.getTime())) continue;
  const fmt = new Intl.DateTimeFormat(undefined, {
    weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
  });
  const note = document.createElement('span');
  note.className = 'muted small viewer-time';
  note.textContent = ` · ${fmt.format(at)} your time`;
  el.after(note);
}

const list = document.querySelector('[data-queue-list]');
const form = document.querySelector('[data-queue-form]');
if (list && form) initDrag(list, form);

function initDrag(list, form) {
  const order = form.querySelector('[data-queue-order]');
  let dragged = null;
  list.addEventListener('dragstart', (e) => {
    dragged = e.target.closest('[data-queue-item]');
    if (!dragged) return;
    dragged.classList.add('dragging');
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', dragged.dataset.queueItem);
  });
  list.addEventListener('dragover', (e) => {
    if (!dragged) return;
    e.preventDefault();
    const over = e.target.closest('[data-queue-item]');
    if (!over || over === dragged) return;
    const box = over.getBoundingClientRect();
    const after = e.clientY > box.top + box.height / 2;
    over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener('drop', (e) => e.preventDefault());
  list.addEventListener('dragend', () => {
    if (!dragged) return;
    dragged.classList.remove('dragging');
    dragged = null;
    const ids = [...list.querySelectorAll('[data-queue-item]')].map((li) => li.dataset.queueItem);
    order.value = ids.join(',');
    form.requestSubmit();
  });
}
