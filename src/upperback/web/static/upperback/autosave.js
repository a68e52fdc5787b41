// Keep what was typed on the current wizard step across a refresh or a lost connection,
// until the step is sent (the server then holds it). Works without it: every sent step is saved.
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  if (!form || !window.sessionStorage) { return; }
  var key = "upperback-draft-" + form.dataset.draft + "-" + form.dataset.step;

  function snapshot() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit") { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        values[el.name + "=" + el.value] = el.checked;
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function restore(values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        var k = el.name + "=" + el.value;
        if (k in values) { el.checked = values[k]; }
      } else if (el.name in values && el.type !== "hidden" && el.type !== "submit") {
        el.value = values[el.name];
      }
    });
  }

  var saved = sessionStorage.getItem(key);
  if (saved && !form.querySelector(".errorlist")) {
    try { restore(JSON.parse(saved)); } catch (e) { sessionStorage.removeItem(key); }
  }
  form.addEventListener("change", function () { sessionStorage.setItem(key, JSON.stringify(snapshot())); });
  form.addEventListener("input", function () { sessionStorage.setItem(key, JSON.stringify(snapshot())); });
  form.addEventListener("submit", function () { sessionStorage.removeItem(key); });
})();
