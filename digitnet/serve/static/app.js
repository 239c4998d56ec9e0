// digitnet serve's page: draw, watch the network, read a photo. No framework, no network
// beyond this server. The numbers come from the server's API, which runs the same code as
// the command line; this file only draws them.
"use strict";

const state = {
  config: null,
  strokes: [],          // each a list of [x, y] in grid cells (0..side), as `digitnet draw`
  drawing: false,
  cursor: null,         // the keyboard pen, in grid cells
  penDown: false,
  inFlight: false,
  again: false,
  strokeEnd: null,      // performance.now() when the last stroke ended
  reactions: [],        // ms from a stroke's end to its answer drawn
  lastAnswer: null,
  photo: null,
};
window.digitnet = state;  // for tests and the curious: state.reactions

const $ = (id) => document.getElementById(id);
const model = () => $("model").value;
const rgb = (c, a = 1) => `rgba(${c[0]},${c[1]},${c[2]},${a})`;

async function start() {
  const response = await fetch("/api/config");
  state.config = await response.json();
  const select = $("model");
  for (const name of state.config.models) {
    select.add(new Option(name, name, false, name === state.config.model));
  }
  const palette = $("palette");
  for (const name of Object.keys(state.config.palettes)) {
    palette.add(new Option(name, name, false, name === state.config.palette));
  }
  select.addEventListener("change", modelChanged);
  palette.addEventListener("change", () => { showWeights(); update(); });
  describeModel();
  drawGrid();
  clearPad();
  wirePad();
  wirePhoto();
  $("clear").addEventListener("click", () => { state.strokes = []; redraw(); update(); });
  $("undo").addEventListener("click", () => { state.strokes.pop(); redraw(); update(); });
  showWeights();
  drawNetwork(null);
  document.body.dataset.ready = "1";
}

function describeModel() {
  $("model-about").textContent = state.config.descriptions[model()] || "";
}

function modelChanged() {
  describeModel();
  showWeights();
  update();
  if (state.photo) readPhoto(state.photo);
}

function palette() {
  return state.config.palettes[$("palette").value];
}

// ---- the drawing pad -----------------------------------------------------------------

function padContext() {
  return $("pad").getContext("2d", { willReadFrequently: true });
}

// The drawing as a PGM picture (gray bytes behind a one-line header), made at once: the
// canvas's own toBlob waits for the browser to be idle, seconds at a time while it draws.
function padPicture() {
  const { data, width, height } = padContext().getImageData(0, 0, $("pad").width, $("pad").height);
  const head = new TextEncoder().encode(`P5\n${width} ${height}\n255\n`);
  const bytes = new Uint8Array(head.length + width * height);
  bytes.set(head);
  for (let i = 0; i < width * height; i++) bytes[head.length + i] = data[4 * i];
  return new Blob([bytes], { type: "image/x-portable-graymap" });
}

function clearPad() {
  const ctx = padContext();
  ctx.fillStyle = "#000";
  ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
}

function drawGrid() {
  const { side, zoom } = state.config;
  const ctx = $("grid").getContext("2d");
  ctx.clearRect(0, 0, side * zoom, side * zoom);
  ctx.strokeStyle = "rgba(255,255,255,0.07)";
  ctx.lineWidth = 1;
  for (let i = 1; i < side; i++) {
    ctx.beginPath(); ctx.moveTo(i * zoom + 0.5, 0); ctx.lineTo(i * zoom + 0.5, side * zoom); ctx.stroke();
    ctx.beginPath(); ctx.moveTo(0, i * zoom + 0.5); ctx.lineTo(side * zoom, i * zoom + 0.5); ctx.stroke();
  }
  if (state.cursor) {
    const [x, y] = state.cursor;
    ctx.strokeStyle = state.penDown ? "#ffc828" : "#888";
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(x * zoom, y * zoom, state.config.brush * zoom / 2, 0, 2 * Math.PI);
    ctx.stroke();
  }
}

// The pen: a round brush BRUSH cells wide, white on black, as `digitnet draw` paints.
function redraw() {
  clearPad();
  const ctx = padContext();
  const { zoom, brush } = state.config;
  ctx.strokeStyle = ctx.fillStyle = "#fff";
  ctx.lineWidth = brush * zoom;
  ctx.lineCap = ctx.lineJoin = "round";
  for (const points of state.strokes) {
    ctx.beginPath();
    ctx.moveTo(points[0][0] * zoom, points[0][1] * zoom);
    if (points.length === 1) ctx.lineTo(points[0][0] * zoom + 0.01, points[0][1] * zoom);
    for (const [x, y] of points.slice(1)) ctx.lineTo(x * zoom, y * zoom);
    ctx.stroke();
  }
}

function cellOf(event) {
  const rect = $("pad").getBoundingClientRect();
  const side = state.config.side;
  return [
    Math.min(side, Math.max(0, ((event.clientX - rect.left) / rect.width) * side)),
    Math.min(side, Math.max(0, ((event.clientY - rect.top) / rect.height) * side)),
  ];
}

function wirePad() {
  const pad = $("pad");
  pad.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    pad.setPointerCapture(event.pointerId);
    state.drawing = true;
    state.strokes.push([cellOf(event)]);
    redraw();
    update();
  });
  pad.addEventListener("pointermove", (event) => {
    if (!state.drawing) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    const stroke = state.strokes[state.strokes.length - 1];
    for (const e of events.length ? events : [event]) stroke.push(cellOf(e));
    redraw();
    update();
  });
  const end = () => {
    if (!state.drawing) return;
    state.drawing = false;
    state.strokeEnd = performance.now();
    update();
  };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
  pad.addEventListener("keydown", keyPen);
}

// The keyboard's pen: arrows move it a cell, Space lowers or lifts it, Delete clears.
function keyPen(event) {
  const side = state.config.side;
  const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  if (!state.cursor) state.cursor = [side / 2, side / 2];
  if (event.key in moves) {
    const [dx, dy] = moves[event.key];
    state.cursor = [
      Math.min(side - 2, Math.max(2, state.cursor[0] + dx)),
      Math.min(side - 2, Math.max(2, state.cursor[1] + dy)),
    ];
    if (state.penDown) state.strokes[state.strokes.length - 1].push([...state.cursor]);
  } else if (event.key === " " || event.key === "Enter") {
    state.penDown = !state.penDown;
    if (state.penDown) state.strokes.push([[...state.cursor]]);
    else state.strokeEnd = performance.now();
    $("pen-state").textContent = state.penDown ? "Pen down: arrows draw" : "Pen up: arrows move";
  } else if (event.key === "Delete" || event.key === "Backspace") {
    state.strokes = [];
  } else {
    return;
  }
  event.preventDefault();
  redraw();
  drawGrid();
  update();
}

// ---- asking the server -----------------------------------------------------------------

// One request at a time, always for the latest drawing: while one is out, the next waits.
function update() {
  if (state.inFlight) { state.again = true; return; }
  if (!state.strokes.length) { showAnswer(null, "draw a digit"); drawNetwork(null); return; }
  state.inFlight = true;
  const asked = performance.now();
  const measured = state.strokeEnd !== null && !state.drawing ? state.strokeEnd : null;
  ask(padPicture(), asked, measured);
}

async function ask(blob, asked, measured) {
  const encoded = performance.now();
  let reply = null;
  let error = null;
  try {
    const response = await fetch(`/api/network?model=${encodeURIComponent(model())}`, {
      method: "POST", body: blob, headers: { "Content-Type": "image/x-portable-graymap" },
    });
    const body = await response.json();
    if (response.ok) reply = body; else error = body.error;
    state.work = parseFloat((response.headers.get("Server-Timing") || "").split("dur=")[1]);
  } catch (e) {
    error = `the server did not answer (${e.message})`;
  }
  if (!state.strokes.length) { reply = null; error = "draw a digit"; }
  const answered = performance.now();
  drawNetwork(reply);
  showAnswer(reply, error);
  state.last = {
    encode: encoded - asked, server: answered - encoded, work: state.work, draw: performance.now() - answered,
  };
  state.inFlight = false;
  if (measured !== null && !state.again) {
    requestAnimationFrame(() => {
      state.reactions.push(performance.now() - measured);
      document.body.dataset.reactionMs = state.reactions[state.reactions.length - 1].toFixed(1);
    });
    state.strokeEnd = null;
  }
  document.body.dataset.asked = (performance.now() - asked).toFixed(1);
  if (state.again) { state.again = false; update(); }
}

function showAnswer(reply, error) {
  const digit = $("answer-digit");
  const note = $("answer-note");
  if (!reply) {
    digit.textContent = "?";
    note.textContent = error || "";
    digit.dataset.digit = "";
  } else {
    digit.textContent = String(reply.digit);
    digit.dataset.digit = String(reply.digit);
    note.textContent = `brightest output ${reply.confidence.toFixed(2)} (${reply.model})`;
  }
  const said = reply ? `The network reads ${reply.digit}` : (error || "");
  if (said !== state.lastAnswer && !state.drawing) {
    state.lastAnswer = said;
    $("announce").textContent = said;
  }
}

// ---- the network, as the lesson draws it ------------------------------------------------

function drawNetwork(reply) {
  const canvas = $("net");
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  ctx.fillStyle = "#000";
  ctx.fillRect(0, 0, W, H);
  ctx.font = "13px system-ui, sans-serif";
  const side = state.config.side;
  const scale = 6;
  const top = (H - side * scale) / 2;
  const input = reply ? reply.input : new Array(side * side).fill(0);
  if (!reply) {
    drawInput(ctx, input, top, scale);
    ctx.fillText("draw a digit to light the network up", 12 + side * scale + 40, H / 2);
    return;
  }
  const layers = reply.layers;
  const left = 12 + side * scale + 70;
  const xs = layers.map((_, i) => left + i * (W - left - 150) / Math.max(1, layers.length - 1));
  const centres = [input.map((_, i) => [12 + (i % side + 0.5) * scale, top + (Math.floor(i / side) + 0.5) * scale])];
  reply.shown.forEach((idx, li) => {
    const n = idx.length;
    const step = Math.min(38, (H - 60) / n);
    const y0 = (H - step * (n - 1)) / 2;
    const place = {};
    idx.forEach((neuron, k) => { place[neuron] = [xs[li], y0 + k * step]; });
    centres.push(place);
    if (n < layers[li].length) {
      ctx.fillStyle = "#aaa";
      ctx.fillText(`${n} of ${layers[li].length}`, xs[li] - 24, y0 - 22);
    }
  });
  const [pos, neg] = palette();
  reply.connections.forEach((pairs, li) => {
    const peak = Math.max(1e-9, ...pairs.map((p) => Math.abs(p[2])));
    for (const [k, j, v] of pairs) {
      const a = centres[li][k], b = centres[li + 1][j];
      ctx.strokeStyle = rgb(v > 0 ? pos : neg, 0.25 + 0.75 * Math.abs(v) / peak);
      ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.stroke();
    }
  });
  const last = layers.length - 1;
  layers.forEach((acts, li) => {
    const idx = reply.shown[li];
    const relu = reply.functions[li] === "relu";
    const peak = relu ? Math.max(...acts, 1e-9) : 1;
    const step = idx.length > 1 ? centres[li + 1][idx[1]][1] - centres[li + 1][idx[0]][1] : 30;
    const r = Math.max(3, Math.min(13, step / 2 - 2));
    for (const neuron of idx) {
      const [x, y] = centres[li + 1][neuron];
      const v = Math.round(Math.min(1, Math.max(0, acts[neuron] / peak)) * 255);
      const isAnswer = li === last && neuron === reply.digit;
      ctx.fillStyle = `rgb(${v},${v},${v})`;
      ctx.strokeStyle = isAnswer ? "#ffc828" : "#777";
      ctx.lineWidth = isAnswer ? 3 : 1;
      ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
      if (li === last) {  // the ten outputs: a bar and the value beside each
        ctx.fillStyle = isAnswer ? "#ffc828" : "#555";
        ctx.fillRect(x + r + 6, y - 4, 50 * Math.max(0, acts[neuron]), 8);
        ctx.fillStyle = isAnswer ? "#ffc828" : "#ccc";
        ctx.fillText(`${neuron}  ${acts[neuron].toFixed(2)}`, x + r + 60, y + 4);
      }
    }
  });
  drawInput(ctx, input, top, scale);
}

// The 28x28 input, exactly as predict makes it: drawn last, over the connections' ends.
function drawInput(ctx, input, top, scale) {
  const side = state.config.side;
  for (let i = 0; i < input.length; i++) {
    const v = Math.round(Math.min(1, Math.max(0, input[i])) * 255);
    ctx.fillStyle = `rgb(${v},${v},${v})`;
    ctx.fillRect(12 + (i % side) * scale, top + Math.floor(i / side) * scale, scale, scale);
  }
  ctx.strokeStyle = "#444";
  ctx.strokeRect(11.5, top - 0.5, side * scale + 1, side * scale + 1);
  ctx.fillStyle = "#aaa";
  ctx.fillText("input 28x28", 12, top - 8);
}

// ---- the first layer's weights -----------------------------------------------------------

function showWeights() {
  const query = `model=${encodeURIComponent(model())}&palette=${encodeURIComponent($("palette").value)}`;
  $("weights-img").src = `/api/weights.png?${query}`;
  document.documentElement.style.setProperty("--pos", rgb(palette()[0]));
  document.documentElement.style.setProperty("--neg", rgb(palette()[1]));
}

// ---- a photo ---------------------------------------------------------------------------

function wirePhoto() {
  const drop = $("drop");
  $("file").addEventListener("change", () => {
    if ($("file").files.length) readPhoto($("file").files[0]);
  });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files.length) readPhoto(e.dataTransfer.files[0]);
  });
}

async function post(path, file) {
  const form = new FormData();
  form.append("image", file, file.name);
  return fetch(`${path}${path.includes("?") ? "&" : "?"}model=${encodeURIComponent(model())}`, {
    method: "POST", body: form,
  });
}

// A digit if predict finds one; else the number read finds; else why neither does.
async function readPhoto(file) {
  state.photo = file;
  const out = $("photo-answer");
  const img = $("photo-steps");
  out.textContent = `Reading ${file.name}...`;
  document.body.dataset.photo = "";
  let kind = "digit";
  let said;
  try {
    const predicted = await (await post("/api/predict", file)).json();
    if (predicted.digit !== null && predicted.digit !== undefined) {
      said = ["digit", String(predicted.digit), `brightest output ${predicted.confidence.toFixed(2)}`];
    } else {
      const read = await (await post("/api/read", file)).json();
      if (read.number !== null && read.number !== undefined) {
        kind = "number";
        said = ["number", read.number, `${read.digits.length} digits, confidence ${read.confidence.toFixed(2)}`];
      } else {
        said = ["none", "", `no digit: ${predicted.error}; no number: ${read.error}`];
      }
    }
  } catch (e) {
    said = ["none", "", `the server did not answer (${e.message})`];
  }
  out.replaceChildren();
  if (said[0] !== "none") {
    out.append(`${file.name}: the ${said[0]} `);
    const value = document.createElement("span");
    value.className = "value";
    value.id = "photo-value";
    value.textContent = said[1];
    out.append(value, ` (${said[2]})`);
  } else {
    out.append(`${file.name}: ${said[2]}`);
  }
  const response = await post(`/api/steps?kind=${kind}`, file);
  if (response.ok) {
    if (img.src) URL.revokeObjectURL(img.src);
    img.src = URL.createObjectURL(await response.blob());
    img.alt = `How ${file.name} was read, step by step`;
    img.hidden = false;
  } else {
    img.hidden = true;
  }
  document.body.dataset.photo = said[1] || "none";
}

start();
