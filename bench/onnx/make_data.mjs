// Writes the CSV files of scripts/onnx-check.sh into DIR, from a fixed
// seed: multilabel.csv (two 0/1 targets), and for format-2 models
// penguins-train.csv (categories, integers listed as categories, missing
// cells) and penguins-rows.csv (rows to predict, with missing cells in
// both missing texts and an island and a year never seen in training).
//
//   node make_data.mjs DIR
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
fs.mkdirSync(dir, { recursive: true });
let s = 12345;
const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
const r4 = (x) => x.toFixed(4);
const pick = (a) => a[Math.floor(rand() * a.length)];

let ml = 'x1,x2,x3,a,b\n';
for (let i = 0; i < 80; i++) {
  const x = [gauss(), gauss(), gauss()];
  ml += `${x.map(r4).join(',')},${+(x[0] + 0.5 * x[1] > 0)},${+(x[2] - x[0] > 0.3)}\n`;
}
fs.writeFileSync(path.join(dir, 'multilabel.csv'), ml);

const species = ['Adelie', 'Chinstrap', 'Gentoo'];
const islands = { Adelie: ['Torgersen', 'Biscoe', 'Dream'], Chinstrap: ['Dream'], Gentoo: ['Biscoe'] };
function row(unseen) {
  const sp = pick(species);
  const k = species.indexOf(sp);
  let island = pick(islands[sp]);
  let bill = r4(38 + 6 * k + 2 * gauss());
  let sex = pick(['female', 'male']);
  let mass = (3500 + 600 * k + 300 * gauss()).toFixed(0);
  let year = pick(['2007', '2008', '2009']);
  const u = rand();
  if (u < 0.08) bill = '';
  else if (u < 0.12) bill = 'NA';
  if (rand() < 0.1) sex = pick(['', 'NA']);
  if (rand() < 0.05) island = 'NA';
  if (unseen && rand() < 0.15) island = 'Atlantis';
  if (unseen && rand() < 0.1) year = '2010';
  return `${sp},${island},${bill},${sex},${mass},${year}\n`;
}
const head = 'species,island,bill_length_mm,sex,body_mass_g,year\n';
let tr = head, te = head;
for (let i = 0; i < 150; i++) tr += row(false);
for (let i = 0; i < 60; i++) te += row(true);
fs.writeFileSync(path.join(dir, 'penguins-train.csv'), tr);
fs.writeFileSync(path.join(dir, 'penguins-rows.csv'), te);
