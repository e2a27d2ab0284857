// Test helpers: load a shared Flow JSON fixture as a fresh mutable copy and reach into it by path,
// failing loudly when the fixture no longer has the expected shape.

import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { validateFlowJson } from './validate.js';

export type Doc = Record<string, unknown>;

const DIR = new URL('../../../../../shared/protocol/fixtures/flow_json/', import.meta.url);

export function loadFixture(name: string): Doc {
  const value: unknown = JSON.parse(readFileSync(new URL(name, DIR), 'utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${name} is not an object`);
  return value as Doc;
}

export function get(root: unknown, ...path: (string | number)[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof key === 'number' && Array.isArray(node)) node = node[key];
    else if (typeof key === 'string' && typeof node === 'object' && node !== null && !Array.isArray(node)) {
      node = (node as Doc)[key];
    } else throw new Error(`no ${String(key)} in ${JSON.stringify(path)}`);
    if (node === undefined) throw new Error(`missing ${JSON.stringify(path)}`);
  }
  return node;
}

export function obj(root: unknown, ...path: (string | number)[]): Doc {
  const node = get(root, ...path);
  if (typeof node !== 'object' || node === null || Array.isArray(node))
    throw new Error(`${JSON.stringify(path)} is not an object`);
  return node as Doc;
}

export function list(root: unknown, ...path: (string | number)[]): unknown[] {
  const node = get(root, ...path);
  if (!Array.isArray(node)) throw new Error(`${JSON.stringify(path)} is not an array`);
  return node;
}

/** `screens[i].layout.children`. */
export function children(doc: Doc, screen: number): unknown[] {
  return list(doc, 'screens', screen, 'layout', 'children');
}

export function screenAt(doc: Doc, screen: number): Doc {
  return obj(doc, 'screens', screen);
}

export interface Expected {
  code: string;
  path: string;
}

/** One deliberately broken variant of a fixture: the mutation and what the validator must report. */
export interface MutationCase {
  base: string;
  mutate: (doc: Doc) => void;
  /** The errors, in report order; exactly these unless `contains` is set. */
  errors: Expected[];
  warnings?: Expected[];
  contains?: boolean;
}

/** Applies the case's mutation to a fresh copy of its fixture and checks the findings. */
export function expectMutationFindings(test: MutationCase): void {
  const doc = loadFixture(test.base);
  test.mutate(doc);
  const findings = validateFlowJson(doc);
  const pick = (severity: string): Expected[] =>
    findings.filter((f) => f.severity === severity).map(({ code, path }) => ({ code, path }));
  if (test.contains === true) expect(pick('error')).toEqual(expect.arrayContaining(test.errors));
  else expect(pick('error')).toEqual(test.errors);
  if (test.warnings !== undefined) expect(pick('warning')).toEqual(test.warnings);
  for (const finding of findings) expect(finding.message.length).toBeGreaterThan(10);
}
