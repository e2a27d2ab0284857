// Flow JSON and Data API versions (SPEC E.9): the known list, parsing and `{major}.{minor}`
// comparison (integers, so 1.9 < 1.10, SPEC E.9 / [S9]).

export const FLOW_JSON_VERSIONS = [
  '2.1',
  '3.0',
  '3.1',
  '4.0',
  '5.0',
  '5.1',
  '6.0',
  '6.1',
  '6.2',
  '6.3',
  '7.0',
  '7.1',
  '7.2',
  '7.3',
] as const;

export type FlowJsonVersion = (typeof FLOW_JSON_VERSIONS)[number];

export const LATEST_FLOW_JSON_VERSION: FlowJsonVersion = '7.3';

/**
 * Frozen versions and since when (SPEC E.9 / [S12]): new flows can no longer be published on them,
 * while flows already published still open. Expiry dates are not in the spec.
 */
export const FROZEN_FLOW_JSON_VERSIONS: Readonly<Partial<Record<FlowJsonVersion, string>>> = {
  '2.1': 'Apr 8 2025',
  '3.0': 'Apr 8 2025',
  '3.1': 'Apr 8 2025',
  '4.0': 'Apr 8 2025',
  '5.0': 'Sep 10 2025',
};

export const DATA_API_VERSIONS = ['3.0', '4.0'] as const;

export type DataApiVersion = (typeof DATA_API_VERSIONS)[number];

export function isFlowJsonVersion(value: unknown): value is FlowJsonVersion {
  return typeof value === 'string' && (FLOW_JSON_VERSIONS as readonly string[]).includes(value);
}

export function isDataApiVersion(value: unknown): value is DataApiVersion {
  return typeof value === 'string' && (DATA_API_VERSIONS as readonly string[]).includes(value);
}

/** `[major, minor]` of a `"M.m"` string, or undefined when it is not of that shape. */
export function parseVersion(value: string): readonly [number, number] | undefined {
  const match = /^(\d{1,4})\.(\d{1,4})$/.exec(value);
  if (match === null) return undefined;
  return [Number(match[1]), Number(match[2])];
}

/** Negative when a < b, 0 when equal, positive when a > b. Unparseable versions sort first. */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a) ?? [-1, -1];
  const pb = parseVersion(b) ?? [-1, -1];
  return pa[0] !== pb[0] ? pa[0] - pb[0] : pa[1] - pb[1];
}

export function versionAtLeast(version: string, minimum: string): boolean {
  return compareVersions(version, minimum) >= 0;
}
