// Checks the import graph between the folders of lambda/: no folder may import, directly or
// through others, a folder that imports it back. Prints each cycle and exits 1 when there is one.
// Run by `npm run lint` (and so by CI): node scripts/check-layers.mjs
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..', 'lambda');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|require\(['"](\.[^'"]+)['"]\)/g;

/** The folder of a file under lambda/: its first path segment, or `.` for the entries at the top. */
const folderOf = (file) => {
  const rel = relative(ROOT, file).split('/');
  return rel.length === 1 ? '.' : rel[0];
};

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (path.endsWith('.ts')) yield path;
  }
}

const edges = new Map(); // folder -> Map(folder -> example "file -> import")
for (const file of files(ROOT)) {
  const from = folderOf(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(IMPORT)) {
    const target = resolve(dirname(file), m[1] ?? m[2]);
    if (!target.startsWith(ROOT)) continue;
    const to = folderOf(target.endsWith('.ts') ? target : `${target}.ts`);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${relative(ROOT, file)} -> ${m[1] ?? m[2]}`);
  }
}

// Tarjan's strongly connected components: a component of more than one folder is a cycle.
let index = 0;
const stack = [];
const state = new Map();
const cycles = [];
function connect(v) {
  state.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!state.has(w)) {
      connect(w);
      state.get(v).low = Math.min(state.get(v).low, state.get(w).low);
    } else if (state.get(w).onStack) state.get(v).low = Math.min(state.get(v).low, state.get(w).index);
  }
  if (state.get(v).low === state.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      state.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component);
  }
}
const folders = new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])]);
for (const f of folders) if (!state.has(f)) connect(f);

if (process.argv.includes('--graph')) {
  for (const [from, tos] of [...edges].sort()) console.log(`${from} -> ${[...tos.keys()].sort().join(', ')}`);
}
if (cycles.length === 0) {
  console.log(`lambda/: ${folders.size} folders, no import cycle between them.`);
  process.exit(0);
}
for (const component of cycles) {
  console.error(`import cycle between: ${component.sort().join(', ')}`);
  for (const from of component)
    for (const [to, example] of edges.get(from) ?? []) if (component.includes(to)) console.error(`  ${from} -> ${to}  (${example})`);
}
process.exit(1);
