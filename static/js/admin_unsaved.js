// The draft editor asks before its unsaved changes are lost: leaving the page, or following
// 提交审核… / 审核发布… / 丢弃草稿 / 返回事项 (which act on the draft as last saved, not on what is on screen).
(function () {
  "use strict";

  function snapshot(form) {
    const fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") fields.push(name + "=" + (typeof value === "string" ? value : value.name));
    });
    return fields.join("&");
  }

  document.addEventListener("DOMContentLoaded", function () {
    const form = document.querySelector("#procedureversion_form");
    if (!form || !document.querySelector(".publish-link, .deletelink")) return;
    const saved = snapshot(form);
    let submitting = false;
    const dirty = function () { return !submitting && snapshot(form) !== saved; };

    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty()) { event.preventDefault(); event.returnValue = ""; }
    });
    document.querySelectorAll(".object-tools a").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (!dirty()) return;
        const preview = link.target === "_blank";
        const message = preview
          ? "草稿有未保存的修改，预览显示的是上次保存的内容。\n要先保存再预览，请点“取消”。"
          : "草稿有未保存的修改，它们不会被发布，离开后也会丢失。\n点“取消”留在这里先保存；点“确定”放弃这些修改。";
        if (!window.confirm(message)) { event.preventDefault(); event.stopImmediatePropagation(); return; }
        if (!preview) submitting = true;  // already asked: no second question on unload
      });
    });
  });
})();
