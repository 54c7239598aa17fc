// The session's end, said before it comes: a few minutes before the organisation's idle limit
// (or the absolute one) the page shows an alert dialog and moves focus to "Stay signed in",
// which tells the server this is activity and learns the new end. The moments come from the
// server (on <body>, in epoch seconds), corrected for this device's clock. Checked every few
// seconds rather than by one long timer: a laptop asleep, or a limit of days, would throw it off.
(function () {
  "use strict";
  var body = document.body;
  var dialog = document.querySelector("[data-session-warning]");
  if (!dialog || !body.dataset.sessionIdleEnds) { return; }
  var form = document.querySelector("[data-session-stay]"); // outside the kept header
  var stay = dialog.querySelector("button[form]");
  var at = dialog.querySelector("[data-session-at]");
  var offset = Number(body.dataset.sessionNow) * 1000 - Date.now();
  var idleEnds = Number(body.dataset.sessionIdleEnds) * 1000;
  var ends = Number(body.dataset.sessionEnds) * 1000;
  var warn = Number(body.dataset.sessionWarn) * 1000;
  var returnFocus = null;
  var over = false;
  var shown = null; // the part on show ("idle", "final", "over")
  var dismissed = null; // the part put away with Escape: not shown again until the next one

  function show(part) {
    if (part === dismissed) { return; }
    shown = part;
    ["idle", "final", "over"].forEach(function (name) {
      dialog.querySelector("[data-session-" + name + "]").hidden = name !== part;
    });
    stay.hidden = part !== "idle";
    var end = new Date(part === "final" ? ends : idleEnds);
    at.dateTime = end.toISOString();
    at.textContent = end.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
    if (dialog.hidden) {
      returnFocus = document.activeElement;
      dialog.hidden = false;
      (part === "idle" ? stay : dialog).focus();
    }
  }

  function hide() {
    dialog.hidden = true;
    if (returnFocus && document.contains(returnFocus)) { returnFocus.focus(); }
    returnFocus = null;
  }

  function check() {
    if (over) { return; }
    var now = Date.now() + offset;
    if (now >= idleEnds) {
      over = true;
      dismissed = null;
      show("over");
    } else if (now >= idleEnds - warn) {
      show(idleEnds >= ends ? "final" : "idle");
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: {"Accept": "application/json"},
      credentials: "same-origin",
      redirect: "manual"
    }).then(function (response) {
      if (!response.ok) { throw new Error("signed out"); }
      return response.json();
    }).then(function (clock) {
      offset = clock.now * 1000 - Date.now();
      idleEnds = clock.idle_ends * 1000;
      ends = clock.ends * 1000;
      dismissed = null;
      hide();
    }).catch(function () {
      over = true;
      dismissed = null;
      show("over");
    });
  });

  dialog.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !over) {
      dismissed = shown;
      hide();
    }
  });

  dialog.tabIndex = -1;
  check();
  window.setInterval(check, 5000);
}());
