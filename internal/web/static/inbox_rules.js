// The rule form: "Add condition" and "Add action" copy the hidden row with
// the next free index, and each row shows only the fields its type uses.
// Without script every field shows and the form's empty rows suffice.

const form = document.querySelector("[data-rule-form]");

// showFields hides the fields of a row its chosen type does not use.
function showFields(row) {
  const select = row.querySelector("[data-row-type]");
  if (!select) return;
  const type = select.value;
  for (const el of row.querySelectorAll("[data-for]")) {
    const uses = el.dataset.for.split(" ");
    const on = type !== "" && uses.includes(type);
    if (el.tagName === "OPTGROUP") {
      el.disabled = !on;
      el.hidden = !on;
    } else {
      el.hidden = !on;
    }
  }
}

if (form) {
  for (const row of form.querySelectorAll("[data-row]")) showFields(row);
  form.addEventListener("change", (e) => {
    if (e.target.matches("[data-row-type]")) showFields(e.target.closest("[data-row]"));
  });

  for (const button of form.querySelectorAll("[data-add-row]")) {
    const kind = button.dataset.addRow;
    const list = form.querySelector(`[data-rows="${kind}"]`);
    const template = form.querySelector(`template[data-row-template="${kind}"]`);
    if (!list || !template) continue;
    const max = Number(button.dataset.max) || 0;
    const rows = () => list.querySelectorAll("[data-row]");
    // The next index is one past the highest in use, so a new row never
    // takes the name of one the server drew.
    const nextIndex = () => {
      let n = -1;
      for (const el of list.querySelectorAll("[name]")) {
        const m = el.name.match(new RegExp(`^${kind}\\.(\\d+)\\.`));
        if (m) n = Math.max(n, Number(m[1]));
      }
      return n + 1;
    };
    const update = () => { button.disabled = rows().length >= max; };
    button.hidden = false;
    update();
    button.addEventListener("click", () => {
      if (rows().length >= max) return;
      const n = nextIndex();
      const row = template.content.firstElementChild.cloneNode(true);
      for (const el of [row, ...row.querySelectorAll("*")]) {
        for (const attr of [...el.attributes]) {
          if (attr.value.includes("__N__")) el.setAttribute(attr.name, attr.value.replaceAll("__N__", String(n)));
        }
      }
      for (const num of row.querySelectorAll("[data-row-number]")) num.textContent = String(rows().length + 1);
      list.append(row);
      showFields(row);
      update();
      const first = row.querySelector("[data-row-type]");
      if (first) first.focus();
    });
  }
}
