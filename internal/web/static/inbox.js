// The inbox: keyboard shortcuts (j/k, Enter, r, e, a, x, u, ?), saved
// replies inserted into the reply box, the viewer's time zone for
// snoozing, "select all" for bulk actions, and live updates over
// server-sent events. Every page works without it.

const page = document.querySelector("[data-inbox]");

if (page) {
  const mode = page.dataset.inbox; // "list" or "conversation"
  const help = document.getElementById("inbox-help");

  // ---- Help ------------------------------------------------------------------

  for (const b of document.querySelectorAll("[data-inbox-help]")) {
    b.hidden = false;
    b.addEventListener("click", () => help && help.showModal());
  }

  // ---- Local times (content swapped in by live updates) ------------------------

  const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  function localTimes(root) {
    for (const el of root.querySelectorAll("time[data-local]")) {
      const d = new Date(el.getAttribute("datetime"));
      if (!Number.isNaN(d.getTime()) && d.getUTCFullYear() > 1) {
        el.title = el.textContent;
        el.textContent = timeFormat.format(d);
      }
    }
  }

  // ---- The viewer's time zone for "snooze until" -------------------------------

  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone) {
    for (const input of document.querySelectorAll("[data-zone]")) input.value = zone;
    for (const label of document.querySelectorAll("[data-zone-label]")) label.textContent = "your time zone (" + zone + ")";
  }

  // ---- Saved replies -----------------------------------------------------------

  const replyText = document.querySelector("[data-reply-text]");
  const saved = document.querySelector("[data-saved-reply]");
  if (saved && replyText) {
    const insert = document.querySelector("[data-insert]");
    if (insert) insert.hidden = true;
    saved.addEventListener("change", () => {
      const opt = saved.selectedOptions[0];
      const body = opt && opt.dataset.body;
      if (!body) return;
      const start = replyText.selectionStart ?? replyText.value.length;
      const end = replyText.selectionEnd ?? start;
      const before = replyText.value.slice(0, start);
      const after = replyText.value.slice(end);
      const sep = before && !before.endsWith("\n") ? "\n\n" : "";
      replyText.value = before + sep + body + after;
      const at = (before + sep + body).length;
      replyText.focus();
      replyText.setSelectionRange(at, at);
      saved.value = "";
    });
  }

  // ---- Bulk selection ----------------------------------------------------------

  function initSelectAll() {
    for (const wrap of document.querySelectorAll("[data-select-all-wrap]")) wrap.hidden = false;
  }
  initSelectAll();
  document.addEventListener("change", (e) => {
    const all = e.target.closest && e.target.closest("[data-select-all]");
    if (!all) return;
    for (const box of document.querySelectorAll(".inbox-pick")) box.checked = all.checked;
  });

  // ---- Keyboard shortcuts ------------------------------------------------------

  function typing(el) {
    if (!(el instanceof HTMLElement)) return false;
    if (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
    if (el.tagName === "INPUT") return !["checkbox", "radio", "button", "submit", "reset"].includes(el.type);
    return false;
  }

  const rows = () => [...document.querySelectorAll(".inbox-row[data-conversation]")];
  let current = -1;

  function highlight(i) {
    const list = rows();
    if (list.length === 0) return;
    current = Math.max(0, Math.min(i, list.length - 1));
    list.forEach((row, j) => row.classList.toggle("inbox-current", j === current));
    const link = list[current].querySelector("[data-conv-link]");
    if (link) link.focus();
    list[current].scrollIntoView({ block: "nearest" });
  }

  function go(sel) {
    const a = document.querySelector(sel);
    if (a && a.href) location.assign(a.href);
  }

  function focusEl(sel) {
    const el = document.querySelector(sel);
    if (!el) return;
    el.focus();
    if (el.scrollIntoView) el.scrollIntoView({ block: "center" });
  }

  function markDone() {
    if (mode === "conversation") {
      const b = document.querySelector("[data-done]");
      if (b) b.click();
      return;
    }
    const done = document.querySelector("[data-bulk-done]");
    if (!done) return;
    const picked = document.querySelectorAll(".inbox-pick:checked");
    if (picked.length === 0) {
      const row = rows()[current];
      const box = row && row.querySelector(".inbox-pick");
      if (!box) return;
      box.checked = true;
    }
    done.click();
  }

  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    if (help && help.open) return;
    const key = e.key;
    if (key === "?") {
      e.preventDefault();
      if (help) help.showModal();
      return;
    }
    if (mode === "list") {
      switch (key) {
        case "j": e.preventDefault(); highlight(current + 1); return;
        case "k": e.preventDefault(); highlight(current < 0 ? 0 : current - 1); return;
        case "Enter": {
          const row = rows()[current];
          const active = document.activeElement;
          if (row && (!active || active === document.body || active === row)) {
            e.preventDefault();
            const link = row.querySelector("[data-conv-link]");
            if (link) location.assign(link.href);
          }
          return;
        }
        case "x": {
          const box = rows()[current]?.querySelector(".inbox-pick");
          if (box) { e.preventDefault(); box.checked = !box.checked; }
          return;
        }
        case "e": e.preventDefault(); markDone(); return;
        case "a": e.preventDefault(); focusEl("[data-assign]"); return;
      }
      return;
    }
    switch (key) {
      case "j": e.preventDefault(); go("[data-next]"); return;
      case "k": e.preventDefault(); go("[data-prev]"); return;
      case "r": e.preventDefault(); focusEl("[data-reply-text]"); return;
      case "e": e.preventDefault(); markDone(); return;
      case "a": e.preventDefault(); focusEl("[data-assign]"); return;
      case "u": e.preventDefault(); go("[data-inbox-back]"); return;
    }
  });

  // ---- Live updates --------------------------------------------------------------

  const bar = document.querySelector("[data-inbox-new]");

  async function fetchPage() {
    const resp = await fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!resp.ok || resp.redirected) throw new Error("status " + resp.status);
    return new DOMParser().parseFromString(await resp.text(), "text/html");
  }

  function swap(doc, sel) {
    const fresh = doc.querySelector(sel);
    const old = document.querySelector(sel);
    if (!fresh || !old) return null;
    const node = document.importNode(fresh, true);
    old.replaceWith(node);
    localTimes(node);
    return node;
  }

  async function refresh() {
    try {
      const doc = await fetchPage();
      if (mode === "list") {
        const picked = new Set([...document.querySelectorAll(".inbox-pick:checked")].map((b) => b.value));
        const currentID = rows()[current]?.dataset.conversation;
        swap(doc, "[data-inbox-region]");
        swap(doc, "[data-inbox-unread]");
        for (const box of document.querySelectorAll(".inbox-pick")) box.checked = picked.has(box.value);
        initSelectAll();
        const list = rows();
        current = currentID ? list.findIndex((r) => r.dataset.conversation === currentID) : -1;
        if (current >= 0) list[current].classList.add("inbox-current");
      } else {
        swap(doc, "[data-thread]");
      }
      if (bar) bar.hidden = true;
    } catch {
      location.reload();
    }
  }

  for (const b of document.querySelectorAll("[data-inbox-refresh]")) b.addEventListener("click", refresh);

  // Something typed, or a control in use, waits for the viewer.
  function busy() {
    if (typing(document.activeElement)) return true;
    for (const t of document.querySelectorAll("[data-reply-text], [data-note-text]")) if (t.value.trim() !== "") return true;
    return document.querySelectorAll(".inbox-pick:checked").length > 0;
  }

  if (window.EventSource && page.dataset.ws) {
    const url = "/w/" + encodeURIComponent(page.dataset.ws) + "/inbox/events?since=" + encodeURIComponent(page.dataset.token || "");
    const events = new EventSource(url);
    events.addEventListener("changed", () => {
      if (mode === "conversation" && !busy()) {
        refresh();
        return;
      }
      if (bar) bar.hidden = false;
    });
    events.addEventListener("gone", () => events.close());
    window.addEventListener("pagehide", () => events.close());
  }
}
