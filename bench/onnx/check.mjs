// Runs an ONNX model exported by `nntrain export` in onnxruntime on the raw
// rows of a CSV file and compares its outputs with `nntrain predict`'s CSV
// for the same rows. Exit 1 (and say where) when any value differs by more
// than tol·max(1, |predict|), or a label differs.
//
//   node check.mjs --onnx M.onnx --data rows.csv --predict pred.csv --tol 1e-5
//        [--model model.json] [--delimiter ,] [--decimal .] [--missing '["", "NA"]']
//   node check.mjs --onnx M.onnx --data rows.csv --dump out.json [...]
//
// --dump writes the outputs as JSON ({"onnx_sha256", "outputs": {name:
// {"type", "dims", "data"}}}, NaN as null) instead of comparing: the Go
// tests of internal/export compare those with their own reference.
//
// --model takes the delimiter, decimal mark and missing texts of a format-2
// model.json (flags given after it win).
//
// Inputs are built as a caller in another language would: one [N, 1] tensor
// per graph input, found by name in the CSV header; a number cell that is a
// missing text becomes NaN, a category cell that is one becomes the first
// missing text. Cells are trimmed, as predict trims them.
import crypto from 'node:crypto';
import fs from 'node:fs';
import ort from 'onnxruntime-node';

function args() {
  const a = { delimiter: ',', decimal: '.', missing: '[]' };
  const v = process.argv.slice(2);
  for (let i = 0; i < v.length; i += 2) {
    if (!v[i].startsWith('--') || i + 1 >= v.length) throw new Error(`bad argument ${v[i]}`);
    if (v[i] === '--model') {
      const m = JSON.parse(fs.readFileSync(v[i + 1], 'utf8'));
      if (m.delimiter) a.delimiter = m.delimiter;
      if (m.decimal) a.decimal = m.decimal;
      if (m.missing) a.missing = JSON.stringify(m.missing);
      continue;
    }
    a[v[i].slice(2)] = v[i + 1];
  }
  for (const k of ['onnx', 'data', ...('dump' in a ? [] : ['predict', 'tol'])]) if (!(k in a)) throw new Error(`--${k} is required`);
  a.tol = Number(a.tol);
  a.missing = JSON.parse(a.missing);
  return a;
}

// parseCSV reads RFC 4180 text: quoted fields may hold the delimiter,
// quotes ("") and line breaks. Blank lines are skipped.
function parseCSV(text, delim) {
  const rows = [];
  let row = [], field = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === delim) { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

const a = args();
const text = fs.readFileSync(a.data, 'utf8').replace(/^\ufeff/, '');
const [header, ...rows] = parseCSV(text, a.delimiter);
const sess = await ort.InferenceSession.create(a.onnx);
const feeds = {};
for (const meta of sess.inputMetadata) {
  const col = header.findIndex((h) => h.trim() === meta.name);
  if (col < 0) throw new Error(`${a.data}: no column ${meta.name} for the graph input of that name`);
  const cells = rows.map((r) => (r[col] ?? '').trim());
  const missing = (s) => a.missing.includes(s);
  if (meta.type === 'string') {
    feeds[meta.name] = new ort.Tensor('string', cells.map((s) => (missing(s) ? a.missing[0] : s)), [rows.length, 1]);
  } else {
    const Arr = meta.type === 'float64' ? Float64Array : Float32Array;
    const v = Arr.from(cells, (s) => (missing(s) || s === '' ? NaN : Number(a.decimal === '.' ? s : s.replace(a.decimal, '.'))));
    feeds[meta.name] = new ort.Tensor(meta.type, v, [rows.length, 1]);
  }
}
const out = await sess.run(feeds);

if ('dump' in a) {
  const outputs = {};
  for (const [n, t] of Object.entries(out)) {
    outputs[n] = { type: t.type, dims: t.dims.map(Number), data: Array.from(t.data, (x) => (typeof x === 'bigint' ? Number(x) : Number.isNaN(x) ? null : x)) };
  }
  const sha = crypto.createHash('sha256').update(fs.readFileSync(a.onnx)).digest('hex');
  fs.writeFileSync(a.dump, JSON.stringify({ onnx_sha256: sha, outputs }, null, 1) + '\n');
  console.log(`${a.onnx}: ${rows.length} rows -> ${a.dump}`);
  process.exit(0);
}

const [ph, ...pr] = parseCSV(fs.readFileSync(a.predict, 'utf8'), ',');
if (pr.length !== rows.length) throw new Error(`${a.predict}: ${pr.length} rows, the data has ${rows.length}`);
let failures = 0, worst = 0, compared = 0;
const fail = (msg) => { if (failures++ < 10) console.error(`${a.onnx}: ${msg}`); };
function compare(name, got, want, r) {
  const d = Math.abs(got - want);
  const rel = d / Math.max(1, Math.abs(want));
  worst = Math.max(worst, rel);
  compared++;
  if (!(rel <= a.tol)) fail(`row ${r + 1}, ${name}: onnxruntime ${got}, predict ${want} (|Δ|/max(1,|x|) = ${rel.toExponential(2)} > ${a.tol})`);
}
const width = (t) => t.dims.length > 1 ? t.dims[1] : 1;
if (out.y) {
  // Regression: predict writes one column per target, in order.
  const k = width(out.y);
  if (ph.length !== k) throw new Error(`y has ${k} columns, predict ${ph.length}`);
  pr.forEach((p, r) => p.forEach((s, j) => compare(`y[${j}] (${ph[j]})`, out.y.data[r * k + j], Number(s), r)));
} else if (out.label.type === 'string') {
  // Classes: predict writes the class, then p_<class> per class.
  const k = width(out.probabilities);
  if (ph.length !== k + 1) throw new Error(`probabilities has ${k} columns, predict ${ph.length - 1} p_ columns`);
  pr.forEach((p, r) => {
    const probs = p.slice(1).map(Number);
    probs.forEach((v, j) => compare(`probabilities[${j}] (${ph[j + 1]})`, out.probabilities.data[r * k + j], v, r));
    if (out.label.data[r] !== p[0]) {
      // A tie within the tolerance may fall either way in float32.
      const s = [...probs].sort((x, y) => y - x);
      if (s[0] - s[1] > 2 * a.tol) fail(`row ${r + 1}: label ${out.label.data[r]}, predict ${p[0]}`);
    }
  });
} else {
  // Multi-label: predict writes each target's probability.
  const k = width(out.probabilities);
  pr.forEach((p, r) => p.slice(-k).forEach((s, j) => {
    const want = Number(s);
    compare(`probabilities[${j}] (${ph[ph.length - k + j]})`, out.probabilities.data[r * k + j], want, r);
    const on = Number(out.label.data[r * k + j]);
    if (on !== (want >= 0.5 ? 1 : 0) && Math.abs(want - 0.5) > a.tol) fail(`row ${r + 1}: label[${j}] ${on}, predict's probability ${want}`);
  }));
}
const outs = Object.keys(out).map((n) => `${n} ${out[n].type}[${out[n].dims}]`).join(', ');
console.log(`${a.onnx}: ${rows.length} rows, ${compared} values, worst |Δ|/max(1,|x|) ${worst.toExponential(2)} (tolerance ${a.tol}); ${outs}${failures ? `; ${failures} FAILED` : ''}`);
process.exit(failures ? 1 : 0);
