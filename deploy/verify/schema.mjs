// Validates rendered manifests (`kubectl kustomize` output as a JSON list) against the Kubernetes OpenAPI schemas shipped by the npm package
// kubernetes-models, and reports fields the API does not have (what `kubectl apply --validate=strict` refuses), by
// walking each object along the package's type declarations.
//
// Usage: NODE_PATH=<dir with node_modules> node schema.mjs RENDERED.json
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_PATH || process.cwd(), "noop.js"));
const modelsRoot = path.dirname(require.resolve("kubernetes-models/package.json"));
const apimachineryRoot = path.dirname(require.resolve("@kubernetes-models/apimachinery/package.json"));

const objects = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
let failures = 0;

function modelPath(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  return path.join(modelsRoot, group ? `${group}/${version}` : version, `${kind}.js`);
}

// --- type declarations: interface -> fields -> parsed type, resolved through each file's imports ---
const interfaces = new Map(); // "file#Interface" -> { fields, imports, file }
const parsedFiles = new Set();

// Reads `"name"?: TYPE;` members, TYPE possibly holding nested {...} and <...>.
function parseMembers(body) {
  const fields = {};
  let i = 0;
  while (i < body.length) {
    const q = body.indexOf('"', i);
    if (q < 0) {
      break;
    }
    const q2 = body.indexOf('"', q + 1);
    const name = body.slice(q + 1, q2);
    let j = body.indexOf(":", q2) + 1;
    let depth = 0;
    let k = j;
    for (; k < body.length; k++) {
      const ch = body[k];
      if (ch === "{" || ch === "<" || ch === "(") depth++;
      else if (ch === "}" || ch === ">" || ch === ")") depth--;
      else if (ch === ";" && depth === 0) break;
    }
    fields[name] = parseType(body.slice(j, k).trim());
    i = k + 1;
  }
  return fields;
}

function parseType(text) {
  const arr = text.match(/^Array<([\s\S]*)>$/);
  if (arr) {
    return { array: parseType(arr[1].trim()) };
  }
  const map = text.match(/^\{\s*\[key: string\]: ([\s\S]*?);?\s*\}$/);
  if (map) {
    return { map: parseType(map[1].trim()) };
  }
  if (text.startsWith("{") && text.endsWith("}")) {
    return { inline: parseMembers(text.slice(1, -1)) };
  }
  if (/^\w+$/.test(text)) {
    return { ref: text };
  }
  return { other: text };
}

function parseDts(file) {
  if (parsedFiles.has(file)) {
    return;
  }
  parsedFiles.add(file);
  const text = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
  const imports = {};
  for (const m of text.matchAll(/import \{ ([^}]+) \} from "([^"]+)";/g)) {
    for (const name of m[1].split(",").map((s) => s.trim())) {
      imports[name] = m[2];
    }
  }
  for (const m of text.matchAll(/export interface (\w+)(?: extends [\w, ]+)? \{/g)) {
    let depth = 1;
    let k = m.index + m[0].length;
    for (; k < text.length && depth > 0; k++) {
      if (text[k] === "{") depth++;
      else if (text[k] === "}") depth--;
    }
    const body = text.slice(m.index + m[0].length, k - 1);
    interfaces.set(`${file}#${m[1]}`, { fields: parseMembers(body), imports, file });
  }
}

function resolveImport(fromFile, spec) {
  let p;
  if (spec.startsWith(".")) {
    p = path.resolve(path.dirname(fromFile), spec.replace(/\.js$/, ".d.ts"));
  } else if (spec.startsWith("@kubernetes-models/apimachinery/")) {
    p = path.join(apimachineryRoot, spec.slice("@kubernetes-models/apimachinery/".length) + ".d.ts");
  } else {
    return null;
  }
  return fs.existsSync(p) ? p : null;
}

function lookup(file, name) {
  parseDts(file);
  return interfaces.get(`${file}#${name}`);
}

// The interface a type name denotes, seen from the file that uses it; null for scalars and aliases.
function interfaceFor(ctx, typeName) {
  const local = lookup(ctx.file, typeName);
  if (local) {
    return local;
  }
  const spec = ctx.imports[typeName];
  const file = spec && resolveImport(ctx.file, spec);
  if (!file) {
    return null;
  }
  parseDts(file);
  // the imported name is an alias (IIoK8sApiCoreV1Container) of the file's own interface (IContainer)
  const exported = [...interfaces.entries()].filter(([k]) => k.startsWith(`${file}#`));
  return exported.length === 1 ? exported[0][1] : exported.find(([k]) => k.endsWith(`#${typeName}`))?.[1] ?? null;
}

function walkType(value, type, ctx, where, problems) {
  if (value === null || value === undefined || !type) {
    return;
  }
  if (type.array && Array.isArray(value)) {
    value.forEach((item, i) => walkType(item, type.array, ctx, `${where}[${i}]`, problems));
  } else if (type.map && typeof value === "object") {
    for (const [k, item] of Object.entries(value)) {
      walkType(item, type.map, ctx, `${where}.${k}`, problems);
    }
  } else if (type.inline && typeof value === "object") {
    walkFields(value, type.inline, ctx, where, problems);
  } else if (type.ref && typeof value === "object") {
    const iface = interfaceFor(ctx, type.ref);
    if (iface) {
      walkFields(value, iface.fields, iface, where, problems);
    }
  }
}

function walkFields(value, fields, ctx, where, problems) {
  for (const [key, v] of Object.entries(value)) {
    if (!(key in fields)) {
      problems.push(`${where}.${key}: unknown field`);
      continue;
    }
    walkType(v, fields[key], ctx, `${where}.${key}`, problems);
  }
}

for (const obj of objects) {
  const id = `${obj.kind}/${obj.metadata?.name}`;
  const file = modelPath(obj.apiVersion, obj.kind);
  if (!fs.existsSync(file)) {
    console.log(`FAIL ${id}: no schema for ${obj.apiVersion} ${obj.kind}`);
    failures++;
    continue;
  }
  const mod = await import(file);
  const Model = mod[obj.kind];
  try {
    new Model(obj).validate();
  } catch (e) {
    console.log(`FAIL ${id}: ${e.message}`);
    failures++;
  }
  const problems = [];
  const dts = file.replace(/\.js$/, ".d.ts");
  const root = lookup(dts, `I${obj.kind}`);
  if (!root) {
    console.log(`FAIL ${id}: no type declaration I${obj.kind} in ${dts}`);
    failures++;
  } else {
    walkFields(obj, root.fields, root, id, problems);
  }
  for (const p of problems) {
    console.log(`FAIL ${p}`);
    failures++;
  }
}
console.log(`${objects.length} objects checked against the Kubernetes schemas, ${failures} failures`);
process.exit(failures ? 1 : 0);
