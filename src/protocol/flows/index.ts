// WhatsApp Flows protocol: endpoint and media crypto, Flow JSON types, builders and validator. Re-exports only.

export * from './crypto/index.js';
export * from './json/index.js';
export * from './media-hosts.js';
