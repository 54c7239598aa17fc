// The live meeting: count the server's clock down between polls, correcting for this device's
// clock; say once, politely, when an item's time is up; hold the polling while someone is
// filling in a form inside the part a poll replaces (and say so); keep the keyboard focus where
// it was when a poll replaces that part.
(function () {
  "use strict";
  var offset = 0; // server time minus this device's time, in ms
  var announced = null; // the item (and its deadline) whose end has been announced
  var timer = null;
  var refocus = null;

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
    var over = Boolean(remaining <= 0 && display);
    clock.classList.toggle("is-over", over);
    var note = clock.querySelector("[data-clock-over]");
    if (note) { note.hidden = !over; }
    // Once per item and deadline: an extended item that runs out again is announced again.
    var key = clock.dataset.step + ":" + (clock.dataset.deadline || clock.dataset.remaining);
    var alert = document.querySelector("[data-clock-alert]");
    if (over && announced !== key && alert) {
      announced = key;
      alert.textContent = alert.dataset.text + " " + clock.dataset.phase;
    }
  }

  function start() {
    var clock = document.querySelector("[data-clock]");
    if (clock) { offset = Number(clock.dataset.serverNow) - Date.now(); }
    tick();
    if (timer === null) { timer = window.setInterval(tick, 1000); }
  }

  // A form in the polled part holds the polling while its field has focus or while what was
  // typed into it differs from what the page came with.
  function changed(form) {
    return Array.prototype.some.call(form.elements, function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        return field.checked !== field.defaultChecked;
      }
      if (field.tagName === "SELECT") { // the first option, unless another is marked selected
        var initial = Array.prototype.findIndex.call(field.options, function (option) {
          return option.defaultSelected;
        });
        return field.selectedIndex !== Math.max(initial, 0);
      }
      return field.type !== "hidden" && "defaultValue" in field && field.value !== field.defaultValue;
    });
  }
  function editing() {
    var state = document.getElementById("live-state");
    if (!state) { return false; }
    var active = document.activeElement;
    if (active && state.contains(active) && active.matches("input, select, textarea")) {
      return true;
    }
    return Array.prototype.some.call(state.querySelectorAll("form"), changed);
  }

  // Where the focus was, said in terms that survive the swap: the form, the control, its value.
  function describe(element) {
    if (!element || !element.closest) { return null; }
    var form = element.closest("form");
    var person = form && form.querySelector("[name=participant], [name=action]");
    return [form ? form.getAttribute("action") : "", element.name || "", element.value || "",
      person ? person.value : "", element.textContent.trim()].join("|");
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var held = event.detail.requestConfig.verb === "get" && editing();
    var hint = document.querySelector("[data-held-note]");
    if (hint) { hint.hidden = !held; }
    if (held) { event.preventDefault(); }
  });
  document.addEventListener("htmx:beforeSwap", function () {
    var state = document.getElementById("live-state");
    var active = document.activeElement;
    refocus = state && active && state.contains(active) ? describe(active) : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (refocus) {
      var controls = document.querySelectorAll("#live-state button, #live-state a, #live-state input");
      var match = Array.prototype.find.call(controls, function (c) { return describe(c) === refocus; });
      if (match) { match.focus(); }
      refocus = null;
    }
    start();
  });
  document.addEventListener("DOMContentLoaded", start);
})();
