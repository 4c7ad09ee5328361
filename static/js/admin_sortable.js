// Drag to reorder the steps, materials and FAQs of a draft. The order is kept in each row's
// hidden "position" field, renumbered on every drop and before submit, so the server simply
// sorts by it. Keyboard users can move a row with the ↑/↓ buttons beside the handle.
(function () {
  "use strict";

  function rows(group) {
    return Array.from(group.querySelectorAll(".inline-related:not(.empty-form)"));
  }

  function renumber(group) {
    rows(group).forEach(function (row, index) {
      const input = row.querySelector('input[name$="-position"]');
      if (input) input.value = index + 1;
    });
  }

  function addHandle(group, row) {
    if (row.querySelector(".drag-handle")) return;
    const heading = row.querySelector("h3");
    if (!heading) return;
    const handle = document.createElement("span");
    handle.className = "drag-handle";
    handle.textContent = "☰";
    handle.title = "拖动以调整顺序";
    const up = document.createElement("button");
    up.type = "button"; up.textContent = "↑"; up.title = "上移";
    const down = document.createElement("button");
    down.type = "button"; down.textContent = "↓"; down.title = "下移";
    up.addEventListener("click", function () { move(group, row, -1); });
    down.addEventListener("click", function () { move(group, row, 1); });
    heading.prepend(handle, up, down);
    row.draggable = true;
  }

  function move(group, row, offset) {
    const list = rows(group);
    const target = list[list.indexOf(row) + offset];
    if (!target) return;
    if (offset < 0) target.before(row); else target.after(row);
    renumber(group);
  }

  function enable(group) {
    let dragged = null;
    rows(group).forEach(function (row) { addHandle(group, row); });
    group.addEventListener("dragstart", function (event) {
      dragged = event.target.closest(".inline-related");
      if (dragged) dragged.classList.add("dragging");
    });
    group.addEventListener("dragover", function (event) {
      const over = event.target.closest(".inline-related:not(.empty-form)");
      if (!dragged || !over || over === dragged) return;
      event.preventDefault();
      const box = over.getBoundingClientRect();
      if (event.clientY < box.top + box.height / 2) over.before(dragged); else over.after(dragged);
    });
    group.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("dragging");
      dragged = null;
      renumber(group);
    });
    document.addEventListener("formset:added", function (event) {
      const row = event.target.closest ? event.target.closest(".inline-related") : null;
      if (row && group.contains(row)) { addHandle(group, row); renumber(group); }
    });
    const form = group.closest("form");
    if (form) form.addEventListener("submit", function () { renumber(group); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".sortable-inline").forEach(enable);
  });
})();
