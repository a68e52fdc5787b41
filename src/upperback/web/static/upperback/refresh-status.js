// While a camera check is being analysed, reload its page every few seconds so the status
// and then the results appear by themselves (a script, not <meta http-equiv="refresh">: a
// person can stop it, as WCAG 2.2.1 asks). The page says when: data-refresh-seconds, and
// names the stop button in its language: data-stop-label.
(function () {
  "use strict";
  var status = document.querySelector("[data-refresh-seconds]");
  if (!status) return;
  var seconds = Number(status.getAttribute("data-refresh-seconds")) || 3;
  var timer = window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  var stop = document.createElement("button");
  stop.type = "button";
  stop.className = "link-button";
  stop.id = "stop-refresh";
  stop.textContent = status.getAttribute("data-stop-label") || "Stop";
  stop.addEventListener("click", function () {
    window.clearTimeout(timer);
    stop.remove();
  });
  status.append(" ", stop);
})();
