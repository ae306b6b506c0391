// Herald's page script: theme choice, the collapsible navigation, menus,
// confirmations, copy buttons and local times. Every page works without it;
// it only makes them nicer to use.

const root = document.documentElement;
root.classList.add('js');

// ---- Theme -----------------------------------------------------------------
// The choice lives in localStorage; a cookie mirrors it so the server can
// render the right theme before this script runs (no flash on load).

const THEME_KEY = 'herald-theme';
const systemDark = window.matchMedia('(prefers-color-scheme: dark)');

function readStored() {
  try {
    const t = localStorage.getItem(THEME_KEY);
    return t === 'light' || t === 'dark' ? t : null;
  } catch {
    return null;
  }
}

function writeStored(theme) {
  try {
    if (theme) localStorage.setItem(THEME_KEY, theme);
    else localStorage.removeItem(THEME_KEY);
  } catch {
    // Private windows can refuse storage; the cookie still carries the choice.
  }
}

function effectiveTheme() {
  const t = root.dataset.theme;
  if (t === 'light' || t === 'dark') return t;
  return systemDark.matches ? 'dark' : 'light';
}

function applyTheme(theme) {
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  if (theme) {
    root.dataset.theme = theme;
    document.cookie = `herald_theme=${theme}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
  } else {
    delete root.dataset.theme;
    document.cookie = `herald_theme=; Path=/; Max-Age=0; SameSite=Lax${secure}`;
  }
  updateToggles();
}

function updateToggles() {
  const current = effectiveTheme();
  const next = current === 'dark' ? 'light' : 'dark';
  for (const button of document.querySelectorAll('[data-theme-toggle]')) {
    button.dataset.current = current;
    button.setAttribute('aria-label', `Switch to ${next} theme`);
    button.title = `Switch to ${next} theme`;
  }
}

applyTheme(readStored());
systemDark.addEventListener('change', updateToggles);

for (const button of document.querySelectorAll('[data-theme-toggle]')) {
  button.addEventListener('click', () => {
    const next = effectiveTheme() === 'dark' ? 'light' : 'dark';
    // Choosing what the system prefers anyway means "follow the system".
    const system = systemDark.matches ? 'dark' : 'light';
    const chosen = next === system ? null : next;
    writeStored(chosen);
    applyTheme(chosen);
  });
}

// ---- Navigation on small screens -------------------------------------------

const navToggle = document.querySelector('[data-nav-toggle]');
const sidebar = document.getElementById('sidebar');

function setNav(open) {
  if (!navToggle || !sidebar) return;
  sidebar.classList.toggle('open', open);
  navToggle.setAttribute('aria-expanded', String(open));
}

if (navToggle && sidebar) {
  navToggle.addEventListener('click', () => {
    const open = !sidebar.classList.contains('open');
    setNav(open);
    if (open) sidebar.querySelector('a')?.focus();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && sidebar.classList.contains('open')) {
      setNav(false);
      navToggle.focus();
    }
  });
} else if (navToggle) {
  navToggle.hidden = true;
}

// ---- Menus (details elements) ----------------------------------------------

const menus = [...document.querySelectorAll('details[data-menu]')];

for (const menu of menus) {
  menu.addEventListener('toggle', () => {
    if (!menu.open) return;
    for (const other of menus) if (other !== menu) other.open = false;
  });
}

document.addEventListener('click', (e) => {
  for (const menu of menus) {
    if (menu.open && !menu.contains(e.target)) menu.open = false;
  }
});

document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape') return;
  for (const menu of menus) {
    if (menu.open) {
      menu.open = false;
      menu.querySelector('summary')?.focus();
    }
  }
});

// ---- Confirm destructive actions -------------------------------------------

document.addEventListener('submit', (e) => {
  const form = e.target;
  if (!(form instanceof HTMLFormElement)) return;
  const message = form.dataset.confirm;
  if (message && !window.confirm(message)) {
    e.preventDefault();
    return;
  }
  // One click, one request: a second click while the page loads is ignored.
  if (form.dataset.submitting) {
    e.preventDefault();
    return;
  }
  if (form.method.toLowerCase() === 'post') {
    form.dataset.submitting = 'true';
    form.setAttribute('aria-busy', 'true');
  }
});

// A page restored from the back/forward cache must accept submits again.
window.addEventListener('pageshow', () => {
  for (const form of document.querySelectorAll('form[data-submitting]')) {
    delete form.dataset.submitting;
    form.removeAttribute('aria-busy');
  }
});

// ---- Copy buttons ----------------------------------------------------------

const live = document.createElement('div');
live.className = 'sr-only';
live.setAttribute('aria-live', 'polite');
document.body.append(live);

async function copyText(text, source) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Plain http has no clipboard API: fall back to a selection copy.
    if (source instanceof HTMLInputElement) {
      source.select();
      return document.execCommand('copy');
    }
    return false;
  }
}

for (const button of document.querySelectorAll('[data-copy]')) {
  button.addEventListener('click', async () => {
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    const text = source instanceof HTMLInputElement
      ? source.value
      : [...source.querySelectorAll('code')].map((c) => c.textContent).join('\n') || source.textContent;
    const ok = await copyText(text, source);
    const label = button.querySelector('span');
    const before = label ? label.textContent : '';
    if (label) label.textContent = ok ? 'Copied' : 'Select and copy';
    live.textContent = ok ? 'Copied to the clipboard' : 'Copy did not work; select the text and copy it';
    setTimeout(() => { if (label) label.textContent = before; }, 2000);
  });
}

// Selecting a read-only secret on focus makes manual copying one step.
for (const input of document.querySelectorAll('.copy-field input')) {
  input.addEventListener('focus', () => input.select());
}

// ---- List filters ------------------------------------------------------------
// A search box with data-filter="#list" hides the list's [data-filter-item]
// entries whose text does not contain what was typed.

for (const input of document.querySelectorAll('input[data-filter]')) {
  const list = document.querySelector(input.dataset.filter);
  if (!list) continue;
  const empty = list.parentElement.querySelector('[data-filter-empty]');
  input.addEventListener('input', () => {
    const q = input.value.trim().toLowerCase();
    let shown = 0;
    for (const item of list.querySelectorAll('[data-filter-item]')) {
      const match = !q || item.dataset.filterItem.toLowerCase().includes(q);
      item.hidden = !match;
      if (match) shown++;
    }
    if (empty) empty.hidden = shown > 0;
  });
}

// ---- Local times -----------------------------------------------------------

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
for (const el of document.querySelectorAll('time[data-local]')) {
  const d = new Date(el.getAttribute('datetime'));
  if (!Number.isNaN(d.getTime()) && d.getUTCFullYear() > 1) {
    el.title = el.textContent;
    el.textContent = timeFormat.format(d);
  }
}

// ---- Error summary ---------------------------------------------------------
// After a failed submit, move focus to the summary so screen readers announce
// it and keyboard users can jump from it to each field.

const summary = document.querySelector('[data-error-summary]');
if (summary) summary.focus();
