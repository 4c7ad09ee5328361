// 情形引导: an answer shows its materials at once; the form still works without JavaScript.
(function () {
  "use strict";

  document.querySelectorAll("[data-guide-form]").forEach(function (form) {
    const submit = form.querySelector("[data-guide-submit]");
    if (submit) submit.hidden = true;
    form.addEventListener("change", function (event) {
      if (!event.target.matches("input[type=radio]")) return;
      // A keyboard user answers the next question where they left off after the reload.
      try { sessionStorage.setItem("guide-focus", event.target.name); } catch (e) { /* private mode */ }
      form.submit();
    });
    let focus = null;
    try {
      focus = sessionStorage.getItem("guide-focus");
      sessionStorage.removeItem("guide-focus");
    } catch (e) { /* private mode */ }
    if (focus) {
      const chosen = form.querySelector("input[type=radio][name='" + CSS.escape(focus) + "']:checked");
      // After the load, when the browser has scrolled to #case (which would reset the focus).
      if (chosen) window.addEventListener("load", function () { chosen.focus({ preventScroll: true }); });
    }
  });

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Halls often serve over plain http on an intranet, where the clipboard API is absent.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-copy-link]");
    if (!button) return;
    const link = new URL(button.dataset.copyLink, window.location.href).href;
    const status = button.closest("form").querySelector(".guide-status");
    copyText(link).then(
      function () { if (status) status.textContent = "已复制本情形的链接：" + link; },
      function () { if (status) status.textContent = "复制失败，请从地址栏复制：" + link; }
    );
  });
})();
