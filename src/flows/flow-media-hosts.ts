// Where a PhotoPicker/DocumentPicker cdn_url (SPEC B.2) may be downloaded from. The URL comes from the
// request, so anyone holding a flow token could otherwise make the server GET internal addresses. Allowed:
// https on WhatsApp's CDN (SPEC B.2 and its fixtures show https://mmg.whatsapp.net/…; every name under
// whatsapp.net is Meta's and resolves publicly), plus what config.flowMediaHosts lists, plus the built-in
// emulator's CDN path on config.graphUrl's origin when that is on this machine (`flowgate dev` and the
// tests point graphUrl at the emulator on loopback; an emulator elsewhere goes in flowMediaHosts).
// fbcdn.net is not allowed by default: the fixtures show it only for Graph assets, never for picker files.

import { DEFAULT_FLOW_MEDIA_HOSTS, parseFlowMediaHost, type FlowMediaOrigin } from '../protocol/index.js';

export { DEFAULT_FLOW_MEDIA_HOSTS, parseFlowMediaHost, type FlowMediaOrigin };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Where src/emulator/flow-cdn.ts serves picker files (CDN_PATH), on the emulator's origin. */
const EMULATOR_CDN_PREFIX = '/_emulator/cdn/';

/** The allowed origins for this config (see the header). */
export function flowMediaOrigins(config: {
  /** config.flowMediaHosts */
  readonly flowMediaHosts: readonly string[];
  /** config.graphUrl */
  readonly graphUrl: string;
}): FlowMediaOrigin[] {
  const origins: FlowMediaOrigin[] = [];
  for (const entry of config.flowMediaHosts) {
    const origin = parseFlowMediaHost(entry);
    if (origin !== null) origins.push(origin);
  }
  const graph = new URL(config.graphUrl);
  // Only a Graph API on this machine can be the built-in emulator: behind any other graphUrl (Meta's, or
  // an egress proxy in front of it) the path is no CDN, and allowing it would let requests reach that host.
  if ((graph.protocol === 'https:' || graph.protocol === 'http:') && LOOPBACK_HOSTS.has(graph.hostname)) {
    origins.push({
      protocol: graph.protocol,
      host: graph.hostname,
      subdomains: false,
      port: graph.port,
      pathPrefix: EMULATOR_CDN_PREFIX,
    });
  }
  return origins;
}

/** The origins used when none are given: the default hosts, https only. */
export function defaultFlowMediaOrigins(): FlowMediaOrigin[] {
  return DEFAULT_FLOW_MEDIA_HOSTS.map((entry) => parseFlowMediaHost(entry)).filter(
    (origin): origin is FlowMediaOrigin => origin !== null,
  );
}

function hostMatches(origin: FlowMediaOrigin, hostname: string): boolean {
  return origin.subdomains ? hostname.endsWith(`.${origin.host}`) : hostname === origin.host;
}

/** Whether `url` (already parsed) may be downloaded: an allowed origin, no credentials, under its path. */
export function flowMediaUrlAllowed(url: URL, origins: readonly FlowMediaOrigin[]): boolean {
  if (url.username !== '' || url.password !== '') return false;
  return origins.some(
    (origin) =>
      url.protocol === origin.protocol &&
      hostMatches(origin, url.hostname) &&
      (origin.port === '*' || url.port === origin.port) &&
      (origin.pathPrefix === undefined || url.pathname.startsWith(origin.pathPrefix)),
  );
}
