// Idle-session warning (WCAG 2.2.1 Timing Adjustable): warn before the server's idle limit
// and let the user stay. The server decides; this only mirrors its clock.
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.dataset.idleSeconds, 10);
  var warnBefore = parseInt(body.dataset.warningSeconds, 10);
  var dialog = document.getElementById("session-warning");
  var stay = document.getElementById("session-stay");
  if (!idle || !dialog || !stay) { return; }
  var warnTimer, expireTimer;

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(expireTimer);
    warnTimer = setTimeout(showWarning, Math.max(idle - warnBefore, 0) * 1000);
    // Just after the limit the server has ended the session; reloading shows the login page.
    expireTimer = setTimeout(function () { window.location.reload(); }, (idle + 1) * 1000);
  }

  function showWarning() {
    dialog.hidden = false;
    stay.focus();
  }

  stay.addEventListener("click", function () {
    var token = document.querySelector("meta[name=csrf-token]").content;
    fetch(body.dataset.keepaliveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": token, "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { window.location.reload(); return; }
      dialog.hidden = true;
      schedule();
    });
  });

  schedule();
})();
