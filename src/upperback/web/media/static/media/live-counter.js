// The repetition counter of upperback.vision (signals.py, reps.py, faults.py), line for line,
// for the live coaching page. Its numbers come from the server's tracking spec (the JSON the
// page embeds), never from this file. It re-reads the whole set so far at each frame, as the
// server reads a finished set, so the count at the end of a set is the server's own count.
"use strict";

(function (root) {
  const SIDES = ["left", "right"];

  function joint(part, side) {
    return part === "nose" ? "nose" : side + "_" + part;
  }

  function median(values) {
    const s = values.slice().sort((a, b) => a - b);
    const n = s.length;
    return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  function percentile(values, fraction) {
    const s = values.slice().sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(fraction * s.length))];
  }

  // Python's round(): halves go to the even neighbour.
  function roundHalfEven(x) {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }

  function smoothingWindow(counter, fps) {
    return Math.max(1, roundHalfEven(counter.smoothing_s * fps) | 1);
  }

  function distance(a, b) {
    return Math.hypot(a.x - b.x, a.y - b.y);
  }

  function midpoint(a, b) {
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  }

  function angleAt(a, v, c) {
    const first = Math.atan2(a.y - v.y, a.x - v.x);
    const second = Math.atan2(c.y - v.y, c.x - v.x);
    const turn = Math.abs(((first - second) * 180) / Math.PI) % 360;
    return turn > 180 ? 360 - turn : turn;
  }

  function visible(pose, joints, threshold) {
    return joints.every((j) => pose.p[j].v >= threshold);
  }

  function seen(counter, pose, joints) {
    return (
      visible(pose, joints, counter.visibility_gate) &&
      joints.every((j) => {
        const l = pose.p[j];
        return l.x >= 0 && l.x <= pose.width && l.y >= 0 && l.y <= pose.height;
      })
    );
  }

  function torso(pose) {
    const s = midpoint(pose.p.left_shoulder, pose.p.right_shoulder);
    const h = midpoint(pose.p.left_hip, pose.p.right_hip);
    return distance(s, h);
  }

  function bodyScale(counter, poses) {
    const torsoJoints = ["left_shoulder", "right_shoulder", "left_hip", "right_hip"];
    let torsos = poses.filter((p) => visible(p, torsoJoints, 0.3)).map(torso);
    if (!torsos.length) {
      const sh = ["left_shoulder", "right_shoulder"];
      torsos = poses
        .filter((p) => seen(counter, p, sh))
        .map((p) => distance(p.p[sh[0]], p.p[sh[1]]) / counter.shoulder_width_per_torso);
    }
    if (!torsos.length) return null;
    const facing = median(
      poses.map((p) => (p.p.nose.x >= midpoint(p.p.left_ear, p.p.right_ear).x ? 1 : -1)),
    );
    return { torso: median(torsos), facing: facing >= 0 ? 1 : -1 };
  }

  function sideJoints(signal, side) {
    if (signal.kind === "forearm_rotation") return [joint("elbow", side), joint("wrist", side)];
    return signal.parts.map((part) => joint(part, side));
  }

  function sidesToFollow(poses, signal, view) {
    if (view === "front") return SIDES;
    const score = {};
    for (const side of SIDES) {
      const js = sideJoints(signal, side);
      score[side] = median(poses.map((p) => Math.min(...js.map((j) => p.p[j].v))));
    }
    // Python's max() keeps the first of equals: left.
    return [score.right > score.left ? "right" : "left"];
  }

  function forearmRotation(elbowX, wristX, side, pose) {
    const upper = distance(pose.p[joint("shoulder", side)], pose.p[joint("elbow", side)]);
    const forearm = Math.max(upper * 0.85, 1.0);
    const outward = (wristX - elbowX) * (side === "left" ? 1 : -1);
    return (Math.asin(Math.max(-1, Math.min(1, outward / forearm))) * 180) / Math.PI;
  }

  function rawValue(signal, pose, side, scale) {
    const pts = sideJoints(signal, side).map((j) => pose.p[j]);
    switch (signal.kind) {
      case "joint_angle":
        return angleAt(pts[0], pts[1], pts[2]);
      case "height":
        return (pts[1].y - pts[0].y) / scale.torso;
      case "shoulder_elevation":
        return -(pts[0].y - pts[1].y) / scale.torso;
      case "backward_travel":
        return ((pts[0].x - pts[1].x) * scale.facing) / scale.torso;
      default:
        return forearmRotation(pts[0].x, pts[1].x, side, pose);
    }
  }

  function frameValue(counter, signal, pose, sides, scale) {
    const values = sides
      .filter((side) => seen(counter, pose, sideJoints(signal, side)))
      .map((side) => rawValue(signal, pose, side, scale));
    return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  }

  function relativeToRest(counter, series, kind) {
    const known = series.filter((v) => v !== null);
    if (!known.length) return series;
    if (kind === "shoulder_elevation") {
      const floor = percentile(known, 1 - counter.baseline_percentile);
      return series.map((v) => (v === null ? null : v - floor));
    }
    const ceiling = percentile(known, counter.baseline_percentile);
    return series.map((v) => (v === null ? null : ceiling - v));
  }

  function signalSeries(counter, signal, frames, view) {
    const poses = frames.filter((f) => f.pose).map((f) => f.pose);
    if (!poses.length) return null;
    const scale = bodyScale(counter, poses);
    if (!scale) return null;
    const sides = sidesToFollow(poses, signal, view);
    let series = frames.map((f) =>
      f.pose ? frameValue(counter, signal, f.pose, sides, scale) : null,
    );
    if (signal.kind === "shoulder_elevation" || signal.kind === "backward_travel") {
      series = relativeToRest(counter, series, signal.kind);
    }
    return series;
  }

  function interpolateGaps(counter, values, times) {
    const filled = values.slice();
    const known = [];
    values.forEach((v, i) => v !== null && known.push(i));
    for (let k = 0; k + 1 < known.length; k++) {
      const a = known[k];
      const b = known[k + 1];
      if (b - a > 1 && times[b] - times[a] <= counter.max_gap_s) {
        for (let i = a + 1; i < b; i++) {
          const share = (times[i] - times[a]) / (times[b] - times[a]);
          filled[i] = values[a] + (values[b] - values[a]) * share;
        }
      }
    }
    return filled;
  }

  function smooth(values, window) {
    const medianed = values.map((v, i) => {
      if (v === null) return null;
      return median(values.slice(Math.max(0, i - 1), i + 2).filter((x) => x !== null));
    });
    const half = Math.floor(window / 2);
    return medianed.map((v, i) => {
      if (v === null) return null;
      const around = medianed.slice(Math.max(0, i - half), i + half + 1).filter((x) => x !== null);
      return around.reduce((a, b) => a + b, 0) / around.length;
    });
  }

  function contains(zone, value) {
    const over = zone.above === null || zone.above === undefined || value > zone.above;
    const under = zone.below === null || zone.below === undefined || value < zone.below;
    return over && under;
  }

  function moreExtreme(zone, a, b) {
    return zone.above !== null && zone.above !== undefined ? Math.max(a, b) : Math.min(a, b);
  }

  function countRepetitions(counter, values, times, spec) {
    const m = {
      readySince: null,
      ready: false,
      inTop: false,
      lastRest: 0,
      restExtreme: null,
      reps: [],
      topValue: 0,
      topS: 0,
    };
    const close = (end) => {
      const rest = m.restExtreme !== null ? m.restExtreme : m.topValue;
      m.reps.push({ start_s: m.lastRest, top_s: m.topS, end_s: end, rest, top: m.topValue });
      m.inTop = false;
    };
    values.forEach((value, i) => {
      if (value === null) return;
      const t = times[i];
      if (!m.ready) {
        if (contains(spec.top, value)) {
          m.readySince = null;
          return;
        }
        m.readySince = m.readySince === null ? t : m.readySince;
        m.ready = t - m.readySince >= counter.ready_s;
        m.restExtreme = value;
        m.lastRest = t;
        return;
      }
      if (m.inTop) {
        if (moreExtreme(spec.top, m.topValue, value) === value && value !== m.topValue) {
          m.topValue = value;
          m.topS = t;
        }
        if (contains(spec.rest, value)) {
          close(t);
          m.restExtreme = value;
          m.lastRest = t;
        }
        return;
      }
      if (!contains(spec.top, value)) {
        if (contains(spec.rest, value)) m.lastRest = t;
        m.restExtreme =
          m.restExtreme === null ? value : moreExtreme(spec.rest, m.restExtreme, value);
        return;
      }
      const prev = m.reps.length ? m.reps[m.reps.length - 1].top_s : null;
      if (!(prev !== null && t - prev < spec.min_repetition_s)) {
        m.inTop = true;
        m.topValue = value;
        m.topS = t;
      }
    });
    if (m.inTop) close(times[times.length - 1]);
    return { reps: m.reps, inTop: m.inTop };
  }

  // Form faults (faults.py): a measure over its threshold for at least min_duration_s.
  function shoulderGap(counter, pose, scale) {
    const gaps = SIDES.filter((s) => seen(counter, pose, [joint("shoulder", s), joint("ear", s)]))
      .map((s) => -(pose.p[joint("shoulder", s)].y - pose.p[joint("ear", s)].y) / scale.torso);
    return gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : null;
  }

  function elbowFromSide(counter, pose, scale) {
    const offsets = SIDES.filter((s) =>
      seen(counter, pose, [joint("elbow", s), joint("shoulder", s)]),
    ).map((s) => Math.abs(pose.p[joint("elbow", s)].x - pose.p[joint("shoulder", s)].x) / scale.torso);
    return offsets.length ? Math.max(...offsets) : null;
  }

  function trunkAngle(pose) {
    const js = ["left_shoulder", "right_shoulder", "left_hip", "right_hip"];
    if (!visible(pose, js, 0.5)) return null;
    const s = midpoint(pose.p.left_shoulder, pose.p.right_shoulder);
    const h = midpoint(pose.p.left_hip, pose.p.right_hip);
    return (Math.atan2(s.y - h.y, s.x - h.x) * 180) / Math.PI;
  }

  function measureSeries(counter, rule, frames, scale) {
    if (rule.measure === "shoulder_elevation") {
      const gaps = frames.map((f) => (f.pose ? shoulderGap(counter, f.pose, scale) : null));
      return relativeToRest(counter, gaps, "shoulder_elevation");
    }
    if (rule.measure === "elbow_from_side") {
      return frames.map((f) => (f.pose ? elbowFromSide(counter, f.pose, scale) : null));
    }
    const angles = frames.map((f) => (f.pose ? trunkAngle(f.pose) : null));
    const known = angles.filter((a) => a !== null);
    if (!known.length) return angles;
    const usual = median(known);
    return angles.map((a) => (a === null ? null : Math.abs(a - usual)));
  }

  // The faults held at the end of the series: what to say now.
  function currentFaults(counter, spec, frames) {
    const poses = frames.filter((f) => f.pose).map((f) => f.pose);
    const scale = poses.length ? bodyScale(counter, poses) : null;
    if (!scale) return [];
    const found = [];
    for (const rule of spec.faults || []) {
      const values = measureSeries(counter, rule, frames, scale);
      let i = values.length - 1;
      const end = i;
      while (i >= 0 && values[i] !== null && values[i] > rule.above) i--;
      if (i < end && frames[end].t - frames[i + 1].t >= rule.min_duration_s) found.push(rule);
    }
    return found;
  }

  // The whole reading of a set so far: frames are {t, pose|null}, pose = {p, width, height}.
  function analyse(counter, spec, view, frames, fps) {
    const times = frames.map((f) => f.t);
    const raw = signalSeries(counter, spec.signal, frames, view);
    if (!raw) return { reps: [], inTop: false, value: null };
    const smoothed = smooth(interpolateGaps(counter, raw, times), smoothingWindow(counter, fps));
    const result = countRepetitions(counter, smoothed, times, spec);
    let value = null;
    for (let i = smoothed.length - 1; i >= 0 && value === null; i--) value = smoothed[i];
    result.value = value;
    return result;
  }

  root.UpperbackCounter = { analyse, currentFaults, smoothingWindow, roundHalfEven };
})(typeof window !== "undefined" ? window : globalThis);
