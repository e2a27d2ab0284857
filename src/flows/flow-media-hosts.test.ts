// Where a picker file may be downloaded from: the allow-list grammar, the default (https on
// *.whatsapp.net), graphUrl's emulator CDN, and storeFlowMedia against real loopback servers: a
// refused URL fails per file before any request, and a redirect is never followed, to any host.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileBlobStore } from '../blobs/index.js';
import { encryptFlowMedia } from '../protocol/index.js';
import { FLOW_MEDIA_USER_MESSAGES, FlowMediaError, storeFlowMedia, type StoreFlowMediaDeps } from './flow-media.js';
import {
  DEFAULT_FLOW_MEDIA_HOSTS,
  defaultFlowMediaOrigins,
  flowMediaOrigins,
  flowMediaUrlAllowed,
  parseFlowMediaHost,
} from './flow-media-hosts.js';
import { pdf, startCdn, type Cdn } from './flow-media.test-util.js';

const MEDIA_ID = '790aba14-5f4a-4dbd-aa9e-0d75401da14b';

const allowed = (url: string, origins = defaultFlowMediaOrigins()) => flowMediaUrlAllowed(new URL(url), origins);

describe('the allowed media origins', () => {
  it.each([
    ['https://mmg.whatsapp.net/v/redacted', true],
    ['https://MMG.WhatsApp.net/v/t62.7119-24/x.enc?ccb=11-4', true],
    ['https://media-lhr8-1.cdn.whatsapp.net/v/x', true],
    ['http://mmg.whatsapp.net/v/redacted', false],
    ['https://mmg.whatsapp.net:8443/v/redacted', false],
    ['https://whatsapp.net/v/x', false],
    ['https://mmg.whatsapp.net.evil.example/v/x', false],
    ['https://evilwhatsapp.net/v/x', false],
    ['https://mmg.whatsapp.net@127.0.0.1/latest/meta-data/iam', false],
    ['https://user:pw@mmg.whatsapp.net/v/x', false],
    ['https://scontent.xx.fbcdn.net/m1/v/t0', false],
    ['http://127.0.0.1/latest/meta-data/iam', false],
    ['http://169.254.169.254/latest/meta-data/iam', false],
    ['file:///etc/passwd', false],
  ])('by default %s → %s', (url, expected) => {
    expect(DEFAULT_FLOW_MEDIA_HOSTS).toEqual(['*.whatsapp.net']);
    expect(allowed(url)).toBe(expected);
  });

  it('parses hosts, wildcards and origins, and refuses anything else', () => {
    expect(parseFlowMediaHost('mmg.whatsapp.net')).toEqual({
      protocol: 'https:',
      host: 'mmg.whatsapp.net',
      subdomains: false,
      port: '',
    });
    expect(parseFlowMediaHost('http://127.0.0.1:4010')).toMatchObject({ protocol: 'http:', port: '4010' });
    expect(parseFlowMediaHost('https://cdn.example:443/')).toMatchObject({ protocol: 'https:', port: '' });
    expect(parseFlowMediaHost('http://[::1]:*')).toMatchObject({ host: '[::1]', port: '*' });
    for (const bad of ['', 'ftp://x.example', '*.net', '*.10.0.0.1', 'mmg.whatsapp.net/v', 'a@b.example', 'x:99999'])
      expect(parseFlowMediaHost(bad)).toBeNull();
    const local = [parseFlowMediaHost('http://127.0.0.1:4010')!];
    expect(allowed('http://127.0.0.1:4010/x', local)).toBe(true);
    expect(allowed('http://127.0.0.1:4011/x', local)).toBe(false);
    expect(allowed('https://127.0.0.1:4010/x', local)).toBe(false);
    expect(allowed('http://127.0.0.1:4011/x', [parseFlowMediaHost('http://127.0.0.1:*')!])).toBe(true);
  });

  it("allows graphUrl's origin for the emulator's CDN path only", () => {
    const origins = flowMediaOrigins({ flowMediaHosts: [], graphUrl: 'http://127.0.0.1:4010' });
    expect(allowed('http://127.0.0.1:4010/_emulator/cdn/abc', origins)).toBe(true);
    expect(allowed('http://127.0.0.1:4010/_emulator/cdn/../../latest/meta-data', origins)).toBe(false);
    expect(allowed('http://127.0.0.1:4010/v24.0/me', origins)).toBe(false);
    expect(allowed('http://127.0.0.1:4011/_emulator/cdn/abc', origins)).toBe(false);
    expect(allowed('https://mmg.whatsapp.net/v/x', origins)).toBe(false);
  });

  it("allows that path only when graphUrl is on this machine: Meta's Graph API or a proxy has no emulator CDN", () => {
    for (const graphUrl of [
      'https://graph.facebook.com',
      'http://graph-egress.internal:8080',
      'http://10.0.0.5:4010',
    ]) {
      const origins = flowMediaOrigins({ flowMediaHosts: [], graphUrl });
      expect(allowed(`${graphUrl}/_emulator/cdn/abc`, origins), graphUrl).toBe(false);
    }
    for (const graphUrl of ['http://localhost:4010', 'http://[::1]:4010']) {
      expect(
        allowed(`${graphUrl}/_emulator/cdn/abc`, flowMediaOrigins({ flowMediaHosts: [], graphUrl })),
        graphUrl,
      ).toBe(true);
    }
  });
});

describe('storeFlowMedia and the host policy', () => {
  let cdn: Cdn;
  let other: Cdn;
  let root: string;

  beforeEach(async () => {
    cdn = await startCdn();
    other = await startCdn();
    root = await mkdtemp(path.join(tmpdir(), 'flowgate-flow-media-hosts-'));
  });
  afterEach(async () => {
    await cdn.close();
    await other.close();
    await rm(root, { recursive: true, force: true });
  });

  function deps(extra: Partial<StoreFlowMediaDeps> = {}): StoreFlowMediaDeps {
    return {
      fetch,
      blobs: new FileBlobStore({ root, secret: 'flow-media-hosts-test-secret' }),
      token: 'flow-token-hosts',
      maxBytes: 1024 * 1024,
      timeoutMs: 2000,
      sleep: () => Promise.resolve(),
      ...extra,
    };
  }

  function item(url: string) {
    const { cdnFile, metadata } = encryptFlowMedia(pdf());
    cdn.route('/file', (_req, res) => res.writeHead(200).end(cdnFile));
    other.route('/file', (_req, res) => res.writeHead(200).end(cdnFile));
    return { media_id: MEDIA_ID, cdn_url: url, file_name: 'a.pdf', encryption_metadata: metadata };
  }

  async function failure(promise: Promise<unknown>): Promise<FlowMediaError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FlowMediaError);
    const { message } = error as FlowMediaError;
    expect(message).not.toContain(MEDIA_ID);
    expect(message).not.toContain('127.0.0.1');
    return error as FlowMediaError;
  }

  it('refuses an http: URL or a host off the list per file, before any request', async () => {
    // The default policy: https on *.whatsapp.net only.
    const error = await failure(storeFlowMedia(item(cdn.url('/file')), deps()));
    expect(error).toMatchObject({ code: 'url_not_allowed', retryable: false, mediaId: MEDIA_ID });
    expect(error.userMessage).toBe(FLOW_MEDIA_USER_MESSAGES.url_not_allowed);
    // Allowing one loopback origin does not allow another port, nor the same port over https.
    const only = { allowedOrigins: [parseFlowMediaHost(cdn.url(''))!] };
    expect((await failure(storeFlowMedia(item(other.url('/file')), deps(only)))).code).toBe('url_not_allowed');
    const https = cdn.url('/file').replace('http:', 'https:');
    expect((await failure(storeFlowMedia(item(https), deps(only)))).code).toBe('url_not_allowed');
    expect(cdn.hits('/file')).toBe(0);
    expect(other.hits('/file')).toBe(0);
    // The same item from the allowed origin is stored.
    expect((await storeFlowMedia(item(cdn.url('/file')), deps(only))).mimeType).toBe('application/pdf');
    expect(cdn.hits('/file')).toBe(1);
  });

  it('does not follow a redirect to another host, nor to the same one', async () => {
    const only = { allowedOrigins: [parseFlowMediaHost(cdn.url(''))!] };
    cdn.route('/away', (_req, res) => res.writeHead(302, { location: other.url('/file') }).end());
    cdn.route('/here', (_req, res) => res.writeHead(301, { location: cdn.url('/file') }).end());
    const away = await failure(storeFlowMedia(item(cdn.url('/away')), deps({ ...only, retries: 2 })));
    expect(away).toMatchObject({ code: 'download_failed', cdnStatus: 302, retryable: false });
    const here = await failure(storeFlowMedia(item(cdn.url('/here')), deps(only)));
    expect(here).toMatchObject({ code: 'download_failed', cdnStatus: 301 });
    expect(cdn.hits('/away')).toBe(1);
    expect(other.hits('/file')).toBe(0);
    expect(cdn.hits('/file')).toBe(0);
  });
});
