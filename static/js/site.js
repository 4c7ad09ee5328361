// Small enhancements for staff pages; the site works without JavaScript.
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Halls often serve over plain http on an intranet, where the clipboard API is absent.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-copy-target]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copyTarget);
    const status = document.querySelector(".copy-status");
    copyText(source.value).then(
      function () { if (status) status.textContent = "已复制材料清单，可以粘贴到聊天窗口。"; },
      function () { if (status) status.textContent = "复制失败，请手动选择文字复制。"; }
    );
  });
})();
