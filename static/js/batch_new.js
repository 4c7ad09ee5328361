// The batch form (editing/batch_new.html): show only the fields the chosen change uses, and
// count the procedures ticked on the button that creates their drafts.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.batch-form");
  if (!form) return;
  const uses = { remove: [], conditional: ["condition"], form: ["form", "copies"], rename: ["new_name"] };
  const optional = ["condition", "form", "copies", "new_name"];
  const create = form.querySelector("input[name=create]");

  function showFields() {
    const chosen = form.querySelector("input[name=operation]:checked");
    const used = chosen ? uses[chosen.value] || [] : optional;
    for (const name of optional) {
      const row = form.querySelector(`.field-${name}`);
      if (row) row.classList.toggle("batch-unused", !used.includes(name));
    }
  }

  function countChosen() {
    const count = form.querySelectorAll("input[name=procedures]:checked").length;
    create.value = create.dataset.label.replace("{n}", count);
    create.disabled = count === 0;
  }

  form.addEventListener("change", (event) => {
    if (event.target.name === "operation") showFields();
    if (event.target.name === "procedures") countChosen();
  });
  showFields();
  countChosen();
});
