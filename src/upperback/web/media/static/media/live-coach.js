// Live coaching: the camera picture stays in this page. MediaPipe's pose model (served from this
// site, never a CDN) finds the joints here; the counter (live-counter.js) reads the server's
// tracking spec; at the end of a set only the landmarks the spec needs and the count are sent.
"use strict";

(function () {
  const read = (id) => JSON.parse(document.getElementById(id).textContent);
  const spec = read("live-spec");
  const assets = read("live-assets");
  const texts = read("live-texts");
  const config = read("live-config");
  const exercise = spec.exercises[config.exercise];
  const counter = spec.counter;
  const setup = spec.setup; // the setup check's limits (vision/live.py says why each value)
  const names = spec.landmarks.map((l) => l.name);
  const Counter = window.UpperbackCounter;

  const $ = (id) => document.getElementById(id);
  const video = $("live-video");
  const canvas = $("live-canvas");
  const ctx = canvas.getContext("2d");
  const probe = document.createElement("canvas");
  probe.width = 32;
  probe.height = 24;
  const probeCtx = probe.getContext("2d", { willReadFrequently: true });

  const BONES = [
    ["left_shoulder", "right_shoulder"], ["left_shoulder", "left_elbow"],
    ["left_elbow", "left_wrist"], ["right_shoulder", "right_elbow"],
    ["right_elbow", "right_wrist"], ["left_shoulder", "left_hip"],
    ["right_shoulder", "right_hip"], ["left_hip", "right_hip"],
    ["left_ear", "nose"], ["right_ear", "nose"],
  ];
  const CUE_REPEAT_MS = 6000;

  const state = {
    session: makeKey(),
    set: 1,
    frames: [], // {t, pose} for the counter
    sent: [], // {t, p} for the server: rounded, exactly what the counter read
    recording: false,
    goodFrames: 0,
    t0: null,
    fps: Math.min(counter.max_fps, Number(new URLSearchParams(location.search).get("fps")) || counter.max_fps),
    reps: 0,
    lastCue: {},
    pending: null,
    source: null,
    faces: null, // faces in view at the last look (null: not looked yet, or the detector failed)
    facesAt: null, // when the page last looked for faces (the frame's time, s)
    facesBroken: false,
    faceAsks: 0, // the id of the last picture sent to the face detector's frame
  };

  function makeKey() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function say(text) {
    if (!("speechSynthesis" in window) || !text) return;
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = config.lang;
    window.speechSynthesis.speak(utterance);
  }

  function status(text) {
    $("status").textContent = text;
  }

  const pose = new window.Pose({ locateFile: (file) => assets[file] || "" });
  pose.setOptions({
    modelComplexity: 0, // the lite model: real time on a phone, bearable in software
    smoothLandmarks: true,
    enableSegmentation: false,
    minDetectionConfidence: 0.5,
    minTrackingConfidence: 0.5,
  });
  pose.onResults(onResults);

  // One person in view: MediaPipe's face detector, only during the setup check (never during a
  // set, so the pose loop keeps its speed), once every setup.face_every_s. It runs in a frame of
  // its own (live-faces.js says why); the picture goes there by postMessage, never over the
  // network. It counts faces, so it cannot see a second person with the back (or the side) to
  // the camera, nor one whose face is out of the picture: the check's text still asks others to
  // step out.
  const faceFrame = $("face-frame");
  const FACE_TIMEOUT_MS = 60000; // the first look loads the model: seconds in software
  let frameReady;
  const frameLoaded = new Promise((resolve) => (frameReady = resolve));
  let faceReply = null;
  window.addEventListener("message", (event) => {
    if (event.source !== faceFrame.contentWindow || event.origin !== location.origin) return;
    if (event.data && event.data.ready) frameReady();
    else if (faceReply && event.data && event.data.id === faceReply.id) faceReply.resolve(event.data);
  });
  faceFrame.contentWindow.postMessage({ hello: true }, location.origin); // if it loaded first

  function askFrame(image) {
    return new Promise((resolve, reject) => {
      const id = ++state.faceAsks;
      const timer = setTimeout(() => reject(new Error("no answer")), FACE_TIMEOUT_MS);
      faceReply = { id, resolve: (data) => (clearTimeout(timer), resolve(data)) };
      faceFrame.contentWindow.postMessage({ id, image }, location.origin, [image]);
    });
  }

  async function lookForFaces(time) {
    if (state.recording || state.facesBroken) return;
    if (state.facesAt !== null && time - state.facesAt < setup.face_every_s) return;
    state.facesAt = time;
    try {
      const answer = await askFrame(await createImageBitmap(video));
      if (answer.error) throw new Error(answer.error);
      state.faces = answer.faces;
    } catch (error) {
      // A detector that cannot run leaves the check unknown rather than blocking every set.
      state.facesBroken = true;
      state.faces = null;
    }
  }

  function brightness(image) {
    probeCtx.drawImage(image, 0, 0, probe.width, probe.height);
    const data = probeCtx.getImageData(0, 0, probe.width, probe.height).data;
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += (data[i] + data[i + 1] + data[i + 2]) / 3;
    return sum / (data.length / 4);
  }

  function toPose(landmarks, width, height) {
    const p = {};
    const rounded = names.map((name, k) => {
      const l = landmarks[spec.landmarks[k].index];
      const x = Math.round(l.x * 1e4) / 1e4;
      const y = Math.round(l.y * 1e4) / 1e4;
      const v = Math.round((l.visibility || 0) * 1e3) / 1e3;
      p[name] = { x: x * width, y: y * height, v };
      return [x, y, v];
    });
    return { pose: { p, width, height }, rounded };
  }

  function neededJoints() {
    const parts = new Set(exercise.signal.parts);
    ["shoulder", "hip"].forEach((part) => parts.add(part));
    return { parts: Array.from(parts), sides: ["left", "right"] };
  }

  // Each setup check says pass or fail in words as well as by its style (data-ok).
  const CHECK_WORDS = { yes: "check_pass", no: "check_fail", unknown: "check_unknown", "": "check_waiting" };
  function showCheck(id, ok) {
    const item = $(id);
    if (item.dataset.ok === ok) return;
    item.dataset.ok = ok;
    item.querySelector(".check-state").textContent = texts[CHECK_WORDS[ok]];
  }

  // Slower than counting needs (the spec's min_fps, from the labelled clips): said once a set,
  // on the page and aloud; the patient is asked to count.
  function warnIfSlow() {
    const span = state.frames.length > 1 ? state.frames[state.frames.length - 1].t - state.frames[0].t : 0;
    if (state.slowSaid || (state.source !== "file" && span < 2)) return;
    const fps = liveFps();
    if (fps >= counter.min_fps) return;
    state.slowSaid = true;
    const text = texts.too_slow.replace("%(fps)s", fps.toLocaleString(config.lang)).replace("%(min)s", counter.min_fps_said);
    const warning = $("rate-warning");
    warning.textContent = text;
    warning.hidden = false;
    say(text);
  }

  function setupCheck(pose, light) {
    const { parts, sides } = neededJoints();
    const seenSide = sides.some((side) =>
      parts.every((part) => {
        const l = pose && pose.p[part === "nose" ? "nose" : side + "_" + part];
        return l && l.v >= counter.visibility_gate && l.y >= 0 && l.y <= pose.height;
      }),
    );
    let distance = "";
    if (pose) {
      const s = pose.p.left_shoulder;
      const h = pose.p.left_hip;
      const share = Math.hypot(s.x - h.x, s.y - h.y) / pose.height;
      const [near, far] = setup.torso_share;
      distance = share < near ? "too_far" : share > far ? "too_close" : "";
    }
    const checks = {
      body: seenSide,
      light: light >= setup.dark,
      distance: pose !== null && !distance,
      // The detector failed: the check is unknown, and no set is held back by it.
      person: state.facesBroken || (state.faces !== null && state.faces <= setup.max_faces),
    };
    showCheck("check-body", checks.body ? "yes" : "no");
    showCheck("check-light", checks.light ? "yes" : "no");
    showCheck("check-distance", checks.distance ? "yes" : "no");
    const person = state.facesBroken ? "unknown" : state.faces === null ? "" : checks.person ? "yes" : "no";
    showCheck("check-person", person);
    const advice =
      person === "no" ? texts.person
      : !checks.light ? texts.light
      : !checks.body ? texts.body
      : distance ? texts[distance]
      : "";
    return { checks, advice };
  }

  // Setup advice is said aloud when the set is held back by it, not more often than a cue.
  function sayAdvice(advice) {
    const now = Date.now();
    if (!advice || (state.lastCue[advice] && now - state.lastCue[advice] <= CUE_REPEAT_MS)) return;
    state.lastCue[advice] = now;
    say(advice);
  }

  function draw(results, pose) {
    const image = results.image;
    canvas.width = image.width;
    canvas.height = image.height;
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    if (!pose) return;
    ctx.lineWidth = Math.max(2, canvas.width / 160);
    ctx.strokeStyle = "#35c46b";
    for (const [a, b] of BONES) {
      const pa = pose.p[a];
      const pb = pose.p[b];
      if (pa.v < 0.5 || pb.v < 0.5) continue;
      ctx.beginPath();
      ctx.moveTo(pa.x, pa.y);
      ctx.lineTo(pb.x, pb.y);
      ctx.stroke();
    }
    ctx.fillStyle = "#ffffff";
    for (const name of names) {
      const l = pose.p[name];
      if (l.v < 0.5) continue;
      ctx.beginPath();
      ctx.arc(l.x, l.y, ctx.lineWidth * 1.5, 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  function onResults(results) {
    const width = results.image.width;
    const height = results.image.height;
    const found = results.poseLandmarks ? toPose(results.poseLandmarks, width, height) : null;
    draw(results, found && found.pose);
    const time = state.pending;
    if (!state.recording) {
      const { checks, advice } = setupCheck(found && found.pose, brightness(results.image));
      const ok = checks.body && checks.light && checks.distance && checks.person;
      state.goodFrames = ok ? state.goodFrames + 1 : 0;
      status(advice);
      // A recorded video is counted from its first frame (its setup is done), but never with
      // others in view.
      const ready = state.source === "file" ? checks.person : state.goodFrames >= setup.ready_frames;
      if (!ready) {
        sayAdvice(advice);
        return;
      }
      startSet(time);
    }
    state.frames.push({ t: time - state.t0, pose: found && found.pose });
    state.sent.push({ t: Math.round((time - state.t0) * 1e3) / 1e3, p: found && found.rounded });
    state.frames[state.frames.length - 1].t = state.sent[state.sent.length - 1].t;
    state.width = width;
    state.height = height;
    update();
    warnIfSlow();
  }

  function startSet(time) {
    state.recording = true;
    state.t0 = time;
    state.frames = [];
    state.sent = [];
    state.reps = 0;
    state.slowSaid = false;
    status(texts.ready);
    say(texts.ready);
    $("end-set").disabled = false;
  }

  function liveFps() {
    if (state.source === "file") return state.fps;
    const n = state.frames.length;
    const span = n > 1 ? state.frames[n - 1].t - state.frames[0].t : 0;
    const fps = span > 0 ? (n - 1) / span : state.fps;
    return Math.round(Math.min(counter.max_fps, Math.max(1, fps)) * 10) / 10;
  }

  function update() {
    const result = Counter.analyse(counter, exercise, config.view, state.frames, liveFps());
    const reps = result.reps.length;
    if (reps > state.reps) say(String(reps));
    state.reps = reps;
    $("rep-count").textContent = String(reps);
    // Tempo of the last finished repetition (one still at the top is counted, not timed).
    const done = result.inTop ? result.reps.slice(0, -1) : result.reps;
    const last = done[done.length - 1];
    if (last) {
      const up = (last.top_s - last.start_s).toFixed(1);
      const down = (last.end_s - last.top_s).toFixed(1);
      $("tempo").textContent = `${texts.up} ${up} s · ${texts.down} ${down} s`;
    }
    const faults = Counter.currentFaults(counter, exercise, state.frames);
    const now = Date.now();
    $("cue").textContent = faults.map((rule) => texts.cues[rule.id] || rule.message).join(" ");
    for (const rule of faults) {
      if (!state.lastCue[rule.id] || now - state.lastCue[rule.id] > CUE_REPEAT_MS) {
        state.lastCue[rule.id] = now;
        say(texts.cues[rule.id] || rule.message);
      }
    }
  }

  async function endSet() {
    $("end-set").disabled = true;
    state.recording = false;
    state.goodFrames = 0;
    state.facesAt = null; // look again before the next set
    if (!state.sent.length) {
      status(texts.nothing);
      return;
    }
    const body = {
      session: state.session,
      exercise: config.exercise,
      view: config.view,
      assessment: config.assessment,
      width: state.width,
      height: state.height,
      sample_fps: liveFps(),
      reps_counted: state.reps,
      frames: state.sent,
    };
    const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
    let answer;
    try {
      const response = await fetch(config.api, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        credentials: "same-origin",
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(String(response.status));
      answer = await response.json();
    } catch (error) {
      status(texts.not_sent);
      return;
    }
    showResult(answer);
  }

  function showResult(answer) {
    const item = document.createElement("li");
    item.className = "set-result";
    item.dataset.browser = String(answer.reps_browser);
    item.dataset.server = String(answer.reps_server);
    item.dataset.agree = answer.agree ? "yes" : "no";
    item.dataset.checked = answer.checked ? "yes" : "no";
    if (answer.checked) {
      item.textContent = texts.set_sent
        .replace("%(set)s", answer.set_number)
        .replace("%(browser)s", answer.reps_browser)
        .replace("%(server)s", answer.reps_server);
      if (!answer.agree) item.textContent += " " + texts.disagree;
    } else {
      // The recount read the same sparse frames: it is no confirmation, and says so.
      item.textContent = texts.set_unchecked
        .replace("%(set)s", answer.set_number)
        .replace("%(browser)s", answer.reps_browser)
        .replace("%(fps)s", answer.frame_rate.toLocaleString(config.lang))
        .replace("%(min)s", answer.min_frame_rate);
    }
    $("set-results").appendChild(item);
    state.set = answer.set_number + 1;
    $("set-number").textContent = String(state.set);
    $("rep-count").textContent = "0";
    status(item.textContent);
  }

  async function runCamera() {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } },
        audio: false,
      });
    } catch (error) {
      status(texts.no_camera);
      return;
    }
    state.source = "camera";
    video.srcObject = stream;
    await video.play();
    let last = 0;
    const step = async () => {
      const now = performance.now() / 1000;
      if (now - last >= 1 / state.fps) {
        last = now;
        state.pending = now;
        await lookForFaces(now);
        await pose.send({ image: video });
      }
      video.requestVideoFrameCallback(step);
    };
    video.requestVideoFrameCallback(step);
  }

  function seek(time) {
    return new Promise((resolve) => {
      video.addEventListener("seeked", resolve, { once: true });
      video.currentTime = time;
    });
  }

  async function runFile(file) {
    state.source = "file";
    video.src = URL.createObjectURL(file);
    await new Promise((resolve) => video.addEventListener("loadeddata", resolve, { once: true }));
    const count = Math.floor(video.duration * state.fps + 1e-6);
    for (let i = 0; i < count; i++) {
      const time = i / state.fps;
      await seek(time);
      state.pending = time;
      await lookForFaces(time);
      await pose.send({ image: video });
    }
    if (state.recording) await endSet();
    else if (!$("status").textContent) status(texts.nothing);
    document.body.dataset.fileDone = "yes";
  }

  async function start(run) {
    const chosen = $("live-view");
    if (chosen) {
      config.view = chosen.value;
      chosen.disabled = true;
    }
    $("start-camera").disabled = true;
    $("local-video").disabled = true;
    status(texts.loading);
    await pose.initialize();
    const timeout = new Promise((resolve) => setTimeout(() => resolve(false), FACE_TIMEOUT_MS));
    if (!(await Promise.race([frameLoaded.then(() => true), timeout]))) state.facesBroken = true;
    await run();
  }

  $("start-camera").addEventListener("click", () => start(runCamera));
  $("local-video").addEventListener("change", (event) => {
    const file = event.target.files[0];
    if (file) start(() => runFile(file));
  });
  $("end-set").addEventListener("click", endSet);
})();
