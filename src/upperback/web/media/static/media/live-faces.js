// The live page's face detector (the setup check's "one person"), in a frame of its own: the
// runtime of @mediapipe/face_detection evaluates strings (embind's `new Function`), which the
// coaching page's policy forbids; this document alone allows it (web/headers.py). It takes
// pictures from its parent only (ImageBitmaps by postMessage: nothing goes over the network)
// and answers how many faces it found. Model files come from this site's static files.
"use strict";

(function () {
  const read = (id) => JSON.parse(document.getElementById(id).textContent);
  const assets = read("face-assets");
  const setup = read("face-setup"); // the server's spec (vision/live.py says why each value)
  const canvas = document.getElementById("faces-canvas");
  const ctx = canvas.getContext("2d");
  const detector = new window.FaceDetection({ locateFile: (file) => assets[file] || "" });
  // This package version aborts its WASM runtime when minDetectionConfidence is set, so the
  // model keeps its own threshold (0.5) and the score limit is applied below.
  detector.setOptions({ model: setup.face_model });
  // Loaded once, explicitly, before the first picture: sent straight away, the package runs
  // the short-range graph with the full-range model and aborts.
  let loaded = null;
  let found = 0;
  detector.onResults((results) => {
    found = results.detections.filter((d) => score(d) >= setup.face_min_score).length;
  });

  // The package's Detection carries its score in an unnamed list of {index, score} pairs (its
  // classifications); read the one number there, or count the face (the model's threshold
  // passed) when the list is missing.
  function score(detection) {
    for (const value of Object.values(detection)) {
      if (!Array.isArray(value) || !value.length || !("index" in value[0])) continue;
      const numbers = Object.entries(value[0]).filter(([k, v]) => k !== "index" && typeof v === "number");
      if (numbers.length === 1) return numbers[0][1];
    }
    return setup.face_min_score;
  }

  window.addEventListener("message", async (event) => {
    if (event.source !== window.parent || event.origin !== location.origin) return;
    if (event.data && event.data.hello) {
      window.parent.postMessage({ ready: true }, location.origin);
      return;
    }
    const { id, image } = event.data || {};
    let answer;
    try {
      canvas.width = image.width;
      canvas.height = image.height;
      ctx.drawImage(image, 0, 0);
      image.close();
      loaded = loaded || detector.initialize();
      await loaded;
      await detector.send({ image: canvas });
      answer = { id, faces: found };
    } catch (error) {
      answer = { id, error: String(error) };
    }
    window.parent.postMessage(answer, location.origin);
  });
  window.parent.postMessage({ ready: true }, location.origin);
})();
