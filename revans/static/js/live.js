// The live meeting: count the server's clock down between polls, correcting for this device's
// clock; say once, politely, when an item's time is up; and hold the polling while someone is
// filling in a form inside the part that a poll replaces.
(function () {
  "use strict";
  var offset = 0; // server time minus this device's time, in ms
  var announced = null; // the step whose end has been announced
  var timer = null;

  function face(seconds) {
    var total = Math.abs(Math.trunc(seconds));
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (seconds < 0 ? "+" : "") + (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function tick() {
    var clock = document.querySelector("[data-clock]");
    if (!clock) { return; }
    var display = clock.querySelector("[data-clock-face]");
    var remaining = Number(clock.dataset.remaining);
    if (clock.dataset.deadline) {
      remaining = (Number(clock.dataset.deadline) - (Date.now() + offset)) / 1000;
    }
    if (display) { display.textContent = face(Math.ceil(remaining)); }
    var over = remaining <= 0 && display;
    clock.classList.toggle("is-over", Boolean(over));
    var note = clock.querySelector("[data-clock-over]");
    if (note) { note.hidden = !over; }
    var key = clock.dataset.step;
    if (over && announced !== key) { // once per item, not every second
      announced = key;
      var alert = clock.querySelector("[data-clock-alert]");
      if (alert) { alert.textContent = "Time is up: " + clock.dataset.phase + "."; }
    }
  }

  function start() {
    var clock = document.querySelector("[data-clock]");
    if (clock) { offset = Number(clock.dataset.serverNow) - Date.now(); }
    tick();
    if (timer === null) { timer = window.setInterval(tick, 1000); }
  }

  // A form in the polled part that has focus or has been typed into holds the polling.
  function editing() {
    var state = document.getElementById("live-state");
    if (!state) { return false; }
    if (state.querySelector("[data-dirty]")) { return true; }
    var active = document.activeElement;
    return Boolean(active && state.contains(active) && active.matches("input, select, textarea"));
  }
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form");
    if (form) { form.setAttribute("data-dirty", ""); }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.requestConfig.verb === "get" && editing()) { event.preventDefault(); }
  });

  document.addEventListener("DOMContentLoaded", start);
  document.addEventListener("htmx:afterSettle", start);
})();
