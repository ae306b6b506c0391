// Calendar: drag a post onto another day to move it, or press its Move
// button and pick the day (the keyboard's way); both submit the one move
// form. Also fills in the viewer's time zone on request.

const dialog = document.getElementById("cal-move-dialog");
const form = dialog && dialog.querySelector("[data-move-form]");

function move(item, date) {
  form.elements.target.value = item.dataset.target;
  form.elements.date.value = date;
  form.requestSubmit();
}

if (form) {
  document.querySelectorAll("[data-move]").forEach((b) => {
    b.hidden = false;
    b.addEventListener("click", () => {
      const item = b.closest("[data-target]");
      form.elements.target.value = item.dataset.target;
      form.elements.date.value = item.dataset.day;
      dialog.querySelector("[data-move-what]").textContent = item.querySelector("a").innerText;
      dialog.showModal();
      form.elements.date.focus();
    });
  });
  dialog.querySelector("[data-move-cancel]").addEventListener("click", () => dialog.close());
}

const grid = document.querySelector(".cal-grid");
let dragged = null;

if (grid && form) {
  grid.addEventListener("dragstart", (e) => {
    const item = e.target.closest("[data-target]");
    if (!item) return;
    dragged = item;
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", item.dataset.target);
    item.classList.add("cal-dragging");
  });
  grid.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("cal-dragging");
    dragged = null;
    grid.querySelectorAll(".cal-drop").forEach((d) => d.classList.remove("cal-drop"));
  });
  grid.addEventListener("dragover", (e) => {
    const day = e.target.closest("[data-date]");
    if (!dragged || !day) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
    grid.querySelectorAll(".cal-drop").forEach((d) => d !== day && d.classList.remove("cal-drop"));
    day.classList.add("cal-drop");
  });
  grid.addEventListener("drop", (e) => {
    const day = e.target.closest("[data-date]");
    if (!dragged || !day) return;
    e.preventDefault();
    if (dragged.dataset.day !== day.dataset.date) move(dragged, day.dataset.date);
  });
}

const zoneInput = document.querySelector("[data-viewer-zone]");
const zoneButton = document.querySelector("[data-my-zone]");
if (zoneInput && zoneButton) {
  const mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (mine) {
    zoneButton.hidden = false;
    zoneButton.textContent = "Use my time zone (" + mine + ")";
    zoneButton.addEventListener("click", () => {
      zoneInput.value = mine;
      zoneInput.form.requestSubmit();
    });
  }
}
