// The entries of config.flowMediaHosts: where a PhotoPicker/DocumentPicker cdn_url (SPEC B.2) may point
// (src/flows/flow-media-hosts.ts applies them). Pure parsing, shared by the config (so that a bad entry
// stops the config load) and the flow runtime, which may import protocol but not config.

/** config.flowMediaHosts by default. */
export const DEFAULT_FLOW_MEDIA_HOSTS: readonly string[] = Object.freeze(['*.whatsapp.net']);

/** One allowed origin: an exact host or every subdomain of one, on one port (or any, for `:*`). */
export interface FlowMediaOrigin {
  protocol: 'https:' | 'http:';
  /** Lower case; for a wildcard, the parent domain (`whatsapp.net` for `*.whatsapp.net`). */
  host: string;
  subdomains: boolean;
  /** As URL.port spells it ('' for the scheme's default), or '*' for any. */
  port: string;
  /** Only paths under this one (the emulator's CDN). */
  pathPrefix?: string;
}

const ENTRY = /^(?:(https?):\/\/)?(\*\.)?([^/:*?#@\s]+|\[[0-9a-f:.]+\])(?::(\d{1,5}|\*))?\/?$/i;

/**
 * An entry of config.flowMediaHosts: `mmg.whatsapp.net` or `*.whatsapp.net` (https, default port), or
 * an origin `https://cdn.example:8443`, `http://127.0.0.1:4010`, `http://127.0.0.1:*` (any port). Null when
 * the entry is not one of these.
 */
export function parseFlowMediaHost(entry: string): FlowMediaOrigin | null {
  const match = ENTRY.exec(entry.trim());
  if (match === null) return null;
  const [, scheme, star, name, port] = match;
  const protocol = scheme === undefined ? 'https:' : (`${scheme.toLowerCase()}:` as 'https:' | 'http:');
  let parsed: URL;
  try {
    // Normalises the host like the URLs it is compared with (case, IDN, IPv4 forms, the default port).
    parsed = new URL(`${protocol}//${name ?? ''}${port === undefined || port === '*' ? '' : `:${port}`}/`);
  } catch {
    return null;
  }
  // A wildcard needs a registrable-looking parent (`*.net` is refused) and is meaningless on an address.
  if (star !== undefined && (!parsed.hostname.includes('.') || /^[\d.]+$|^\[/.test(parsed.hostname))) return null;
  return { protocol, host: parsed.hostname, subdomains: star !== undefined, port: port === '*' ? '*' : parsed.port };
}
