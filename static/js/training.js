// 我已读完: the button waits until the reader has reached the end of the page (the marker
// [data-read-end] under the last section). Without JavaScript the button stays enabled as the
// page sent it.
(function () {
  "use strict";
  var end = document.querySelector("[data-read-end]");
  var forms = document.querySelectorAll("[data-read-confirm]");
  if (!end || !forms.length) return;

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

  // Reached when the marker is on the screen or above it. Not "while it is on the screen":
  // a jump to the bottom (End, the scrollbar, a link) can carry it from below the screen to
  // above it without its ever being on it, and so can a resize or a phone turned sideways.
  function reached() {
    return end.getBoundingClientRect().top <= window.innerHeight;
  }

  var events = ["scroll", "resize", "load"];
  function check() {
    if (!reached()) return;
    setWaiting(false);
    events.forEach(function (name) { window.removeEventListener(name, check); });
  }

  setWaiting(true);
  events.forEach(function (name) { window.addEventListener(name, check, { passive: true }); });
  check(); // a page shorter than the window, or opened at #training-confirm
})();
