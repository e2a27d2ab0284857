// Offline Flow JSON validation: the static rules of SPEC E.8 and the component tables, reported
// with Meta's error code names and JSON paths. Pure and total: any input, even not JSON at all,
// yields findings instead of an exception.

import { type FlowFinding, createContext } from './context.js';
import { checkActions } from './rules-actions.js';
import { checkComponent } from './rules-components.js';
import { checkContent } from './rules-content.js';
import { checkScreenData } from './rules-data.js';
import { checkDocument, checkSize } from './rules-document.js';
import { MAX_FLOW_JSON_BYTES } from './catalog.js';
import { checkInitValues } from './rules-init-values.js';
import { checkReferences } from './rules-references.js';
import { checkRouting } from './rules-routing.js';
import { checkScreenComposition } from './rules-screen.js';
import { isObject, joinPath } from './walk.js';

/**
 * Validates a Flow JSON document (an object, or its JSON text). Errors are what Meta's validator
 * rejects; warnings are documented rules Meta's own material is inconsistent about.
 */
export function validateFlowJson(json: unknown): FlowFinding[] {
  const findings: FlowFinding[] = [];
  let document = json;
  if (typeof json === 'string') {
    try {
      document = JSON.parse(json) as unknown;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return [
        { code: 'INVALID_FLOW_JSON', severity: 'error', message: `Flow JSON is not valid JSON: ${reason}.`, path: '' },
      ];
    }
  }
  if (!isObject(document)) {
    return [{ code: 'INVALID_FLOW_JSON', severity: 'error', message: 'Flow JSON must be a JSON object.', path: '' }];
  }
  // The rules below walk the document recursively: what no JSON text can be, or what nests deeper than
  // any Flow JSON does, is refused first, without walking it.
  const shape = shapeProblem(document);
  if (shape !== null) return [{ code: 'INVALID_FLOW_JSON', severity: 'error', ...shape }];
  // An object can share parts (the same object under several keys): written out, it may be far larger
  // than it looks, and every rule below walks it written out.
  if (typeof json !== 'string' && writtenSize(document, new Map()) > MAX_FLOW_JSON_BYTES) {
    const message = `The maximum size of the Flow JSON is 10 MB (${MAX_FLOW_JSON_BYTES} bytes); written out, this one is larger.`;
    return [{ code: 'INVALID_FLOW_JSON', severity: 'error', message, path: '' }];
  }
  const ctx = createContext(document, findings);
  const text = typeof json === 'string' ? json : serialize(document);
  if (text !== undefined) checkSize(ctx, text);
  checkDocument(ctx);
  checkScreenData(ctx);
  checkRouting(ctx);
  for (const screen of ctx.screens) {
    for (const visit of screen.components) {
      checkComponent(ctx, visit);
      checkContent(ctx, visit);
    }
    checkInitValues(ctx, screen);
  }
  checkScreenComposition(ctx);
  checkActions(ctx);
  checkReferences(ctx);
  return findings;
}

/**
 * Meta's own examples nest 15 levels deep at most (a payload inside an action inside a data-source item
 * inside a component inside If branches inside a Form); 64 leaves room for any real Flow JSON.
 */
export const MAX_FLOW_JSON_DEPTH = 64;

/**
 * Why an object given as a Flow JSON cannot be one, or null: nested deeper than MAX_FLOW_JSON_DEPTH, a
 * cycle, or a value JSON has no form for (BigInt, a function, a symbol). Iterative, so it cannot itself
 * run out of stack.
 */
function shapeProblem(document: object): { message: string; path: string } | null {
  const stack: { value: unknown; path: string; depth: number; ancestors: readonly object[] }[] = [
    { value: document, path: '', depth: 0, ancestors: [] },
  ];
  const deepest = new Map<object, number>();
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value, path, depth, ancestors } = next;
    const kind = typeof value;
    if (kind === 'bigint' || kind === 'function' || kind === 'symbol')
      return { message: `Flow JSON cannot hold a ${kind} value.`, path };
    if (value === null || kind !== 'object') continue;
    const object = value as object;
    if (ancestors.includes(object)) return { message: 'Flow JSON cannot contain itself (a cycle).', path };
    // An object shared by several paths is walked again only when reached deeper (at most 64 times),
    // not once per path: the paths of a shared chain grow exponentially.
    if ((deepest.get(object) ?? -1) >= depth) continue;
    deepest.set(object, depth);
    if (depth >= MAX_FLOW_JSON_DEPTH)
      return { message: `Flow JSON is nested deeper than ${MAX_FLOW_JSON_DEPTH} levels.`, path };
    const inside = [...ancestors, object];
    for (const [key, child] of Object.entries(object)) {
      const childPath = joinPath(path, Array.isArray(object) ? Number(key) : key);
      stack.push({ value: child, path: childPath, depth: depth + 1, ancestors: inside });
    }
  }
  return null;
}

/**
 * A lower bound of the bytes `value` takes as JSON text, each shared object counted once per place it is
 * written (memoised per object, so a shared chain costs its length, not its paths). The recursion is as
 * deep as the document, which shapeProblem has bounded.
 */
function writtenSize(value: unknown, memo: Map<object, number>): number {
  if (typeof value === 'string') return value.length + 2;
  if (typeof value !== 'object' || value === null) return String(value).length;
  const known = memo.get(value);
  if (known !== undefined) return known;
  let size = 2;
  for (const [key, child] of Object.entries(value)) {
    size += (Array.isArray(value) ? 1 : key.length + 4) + writtenSize(child, memo);
    if (size > MAX_FLOW_JSON_BYTES) break;
  }
  memo.set(value, size);
  return size;
}

/** Compact JSON text of an object, or undefined when it cannot be serialized (cycles, BigInt). */
function serialize(document: object): string | undefined {
  try {
    return JSON.stringify(document);
  } catch {
    return undefined;
  }
}

export function hasErrors(findings: readonly FlowFinding[]): boolean {
  return findings.some((finding) => finding.severity === 'error');
}

/** One line with the counts, then one line per finding: `error CODE at path: message`. */
export function summarizeFindings(findings: readonly FlowFinding[]): string {
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  const warnings = findings.length - errors;
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  if (findings.length === 0) return 'Flow JSON is valid: no errors, no warnings.';
  const head = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  const lines = findings.map((f) => `${f.severity} ${f.code} at ${f.path === '' ? '(root)' : f.path}: ${f.message}`);
  return [head, ...lines].join('\n');
}

export type { FlowErrorCode, FlowFinding, FlowFindingSeverity } from './context.js';
