// Placing tragus and C7 on a posture photo (media/detail.html).
// The photo fills the content's width; the point chosen in the list is placed where the photo
// is clicked, and shown as a labelled marker. Keyboard: Enter on the focused photo places the
// chosen point in its middle; arrow keys move a focused marker (Shift: ten times further).
// Every text comes translated from the page (data-* attributes of #points-form).
(function () {
  var form = document.getElementById("points-form");
  var stage = document.getElementById("point-stage");
  var photo = document.getElementById("point-photo");
  var next = document.getElementById("point-next");
  var placed = document.getElementById("points-placed");
  var error = document.getElementById("points-error");
  var texts = form.dataset;
  var names = ["tragus", "c7"];
  var points = {};

  function label(name) { return texts[name + "Name"]; }
  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  function choice(name) { return document.getElementById("choose-" + name); }
  function chosen() {
    var picked = document.querySelector('input[name="point-choice"]:checked');
    return picked ? picked.value : names[0];
  }
  function missing() { return names.filter(function (name) { return !points[name]; }); }

  function showNext() {
    var name = chosen();
    var message = points[name] ? texts.moveText : texts.nextText;
    next.textContent = say(message, { point: label(name) });
  }

  function marker(name) {
    var existing = stage.querySelector('[data-point="' + name + '"]');
    if (existing) { return existing; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "point-marker point-" + name;
    button.dataset.point = name;
    var text = document.createElement("span");
    text.textContent = label(name);
    text.setAttribute("aria-hidden", "true");
    button.appendChild(text);
    button.addEventListener("click", function (event) {
      event.stopPropagation();  // choosing a marker does not place a point under it
      choice(name).checked = true;
      showNext();
    });
    button.addEventListener("keydown", function (event) { nudge(event, name); });
    stage.appendChild(button);
    return button;
  }

  function place(name, x, y) {
    x = Math.min(Math.max(x, 0), photo.naturalWidth - 1);
    y = Math.min(Math.max(y, 0), photo.naturalHeight - 1);
    points[name] = { x: x, y: y };
    document.getElementById("id_" + name + "_x").value = x.toFixed(1);
    document.getElementById("id_" + name + "_y").value = y.toFixed(1);
    var button = marker(name);
    button.style.left = (100 * x / photo.naturalWidth) + "%";
    button.style.top = (100 * y / photo.naturalHeight) + "%";
    var where = { point: label(name), x: x.toFixed(0), y: y.toFixed(0) };
    button.setAttribute("aria-label", say(texts.markerText, where));
    placed.textContent = say(texts.placedText, where);
    error.hidden = true;
    return button;
  }

  function placeChosen(x, y) {
    var name = chosen();
    var button = place(name, x, y);
    var left = missing();
    if (left.length) { choice(left[0]).checked = true; }
    showNext();
    return button;
  }

  function nudge(event, name) {
    var step = event.shiftKey ? 10 : 1;
    var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    var move = moves[event.key];
    if (!move) { return; }
    event.preventDefault();
    place(name, points[name].x + move[0], points[name].y + move[1]);
  }

  stage.addEventListener("click", function (event) {
    var box = photo.getBoundingClientRect();
    var x = (event.clientX - box.left) * photo.naturalWidth / box.width;
    var y = (event.clientY - box.top) * photo.naturalHeight / box.height;
    placeChosen(x, y);
  });
  stage.addEventListener("keydown", function (event) {
    if (event.target !== stage || (event.key !== "Enter" && event.key !== " ")) { return; }
    event.preventDefault();
    var name = chosen();
    placeChosen(photo.naturalWidth / 2, photo.naturalHeight / 2);
    marker(name).focus();
  });
  names.forEach(function (name) { choice(name).addEventListener("change", showNext); });
  // Reopened: the points saved last are drawn again (their values come in the hidden fields).
  function showSaved() {
    var saved = names.filter(function (name) {
      return document.getElementById("id_" + name + "_x").value !== "";
    });
    saved.forEach(function (name) {
      place(name, parseFloat(document.getElementById("id_" + name + "_x").value),
        parseFloat(document.getElementById("id_" + name + "_y").value));
    });
    var left = missing();
    choice(left.length ? left[0] : names[0]).checked = true;
    if (saved.length) { placed.textContent = texts.savedText; }
    showNext();
  }
  // The photo as large as the screen allows, its shape kept: the content's width and at most
  // 80% of the window's height (a small photo is enlarged, a tall one never runs off screen).
  function fit() {
    var room = stage.parentElement.clientWidth;
    var scale = Math.min(room / photo.naturalWidth, 0.8 * window.innerHeight / photo.naturalHeight);
    photo.style.width = Math.floor(photo.naturalWidth * scale) + "px";
  }
  function ready() { fit(); showSaved(); }
  window.addEventListener("resize", fit);
  if (photo.complete && photo.naturalWidth) { ready(); } else { photo.addEventListener("load", ready); }
  form.addEventListener("submit", function (event) {
    var left = missing();
    if (!left.length) { return; }
    event.preventDefault();
    error.textContent = left.length === names.length ? texts.noneText : say(texts.missingText, { point: label(left[0]) });
    error.hidden = false;
    stage.focus();
  });
  showNext();
})();
