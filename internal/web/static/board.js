// Production board: drag a card onto a column (above another card, or
// below the last) to move it. It only fills in the card's own "Move to"
// form and submits it, so the plain form stays the one way a move
// happens, and the keyboard's way.

const board = document.querySelector("[data-board-move]");
let dragged = null;

// position is where a drop at y lands among the column's other cards.
function position(list, y) {
  const cards = [...list.querySelectorAll("[data-card]")].filter((c) => c !== dragged);
  const i = cards.findIndex((c) => {
    const r = c.getBoundingClientRect();
    return y < r.top + r.height / 2;
  });
  return i < 0 ? cards.length : i;
}

if (board) {
  board.addEventListener("dragstart", (ev) => {
    dragged = ev.target.closest("[data-card]");
    if (!dragged) return;
    dragged.classList.add("board-dragging");
    ev.dataTransfer.effectAllowed = "move";
    ev.dataTransfer.setData("text/plain", dragged.dataset.card);
  });
  board.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("board-dragging");
    board.querySelectorAll(".board-drop").forEach((c) => c.classList.remove("board-drop"));
    dragged = null;
  });
  board.addEventListener("dragover", (ev) => {
    const col = ev.target.closest("[data-column]");
    if (!dragged || !col) return;
    ev.preventDefault();
    board.querySelectorAll(".board-drop").forEach((c) => c !== col && c.classList.remove("board-drop"));
    col.classList.add("board-drop");
  });
  board.addEventListener("drop", (ev) => {
    const col = ev.target.closest("[data-column]");
    if (!dragged || !col) return;
    ev.preventDefault();
    const form = dragged.querySelector("[data-move-form]");
    form.elements.column.value = col.dataset.column;
    form.elements.position.value = String(position(col.querySelector(".board-cards"), ev.clientY));
    form.requestSubmit();
  });
}
