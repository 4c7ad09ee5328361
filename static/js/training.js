// 我已读完: the button waits until the reader has reached the end of the page (the marker
// [data-read-end] under the last section). Without JavaScript, or without
// IntersectionObserver, the button stays enabled as the page sent it.
(function () {
  "use strict";
  var end = document.querySelector("[data-read-end]");
  var forms = document.querySelectorAll("[data-read-confirm]");
  if (!end || !forms.length || !("IntersectionObserver" in window)) return;

  function setWaiting(waiting) {
    forms.forEach(function (form) {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = waiting;
      });
      var hint = form.querySelector("[data-read-hint]");
      if (hint) {
        // Its line stays when it goes: what is under it (the path's links) must not move up
        // just as the reader reaches the end and reaches for them.
        hint.hidden = false;
        hint.classList.toggle("training-confirm__hint--gone", !waiting);
      }
    });
  }

  setWaiting(true);
  var observer = new IntersectionObserver(function (entries) {
    if (entries.some(function (entry) { return entry.isIntersecting; })) {
      setWaiting(false);
      observer.disconnect();
    }
  });
  observer.observe(end);
})();
