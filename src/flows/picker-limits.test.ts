// pickerLimits on the PhotoPicker / DocumentPicker fixtures and a built DocumentPicker screen.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FlowJson } from '../protocol/index.js';
import { FLOW_MEDIA_DEFAULT_MIME_TYPES, PHOTO_MIME_TYPES } from './flow-media-sniff.js';
import { carryFlow } from './carry-flow.test-util.js';
import { pickerLimits } from './picker-limits.js';

const DIR = new URL('../../../shared/protocol/fixtures/flow_json/', import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`${name}.json`, DIR), 'utf8')) as FlowJson;

describe('pickerLimits', () => {
  it('reads a PhotoPicker through the payload key that carries it', () => {
    expect(pickerLimits(fixture('pywa_v4_0__photo_picker'), 'FIRST', { images: [] })).toEqual({
      images: {
        field: 'photo_picker',
        type: 'PhotoPicker',
        allowedMimeTypes: PHOTO_MIME_TYPES,
        maxBytes: 10240 * 1024,
      },
    });
  });

  it("reads a DocumentPicker's allowed-mime-types, with SPEC B.1's list as the default", () => {
    const doc = fixture('pywa_v4_0__doc_picker');
    const children = doc.screens[0]!.layout.children as unknown as { children: Record<string, unknown>[] }[];
    const [picker, footer] = children[0]!.children;
    footer!['on-click-action'] = { name: 'data_exchange', payload: { documents: '${form.document_picker}' } };
    expect(pickerLimits(doc, 'SECOND', { documents: [] }).documents).toMatchObject({
      allowedMimeTypes: ['image/jpeg', 'application/pdf'],
      maxBytes: 1024 * 1024,
    });
    delete picker!['allowed-mime-types'];
    delete picker!['max-file-size-kb'];
    expect(pickerLimits(doc, 'SECOND', { documents: [] }).documents).toMatchObject({
      allowedMimeTypes: FLOW_MEDIA_DEFAULT_MIME_TYPES,
      maxBytes: 25 * 1024 * 1024,
    });
    expect(pickerLimits(doc, 'NOPE', {})).toEqual({});
  });

  it("follows another screen's picker carried by a global reference (${screen.S.form.x})", () => {
    const picker = {
      type: 'DocumentPicker',
      name: 'id_doc',
      label: 'ID',
      'allowed-mime-types': ['application/pdf'],
      'max-file-size-kb': 100,
    };
    const flow = carryFlow('UPLOAD', [picker], { files: '${screen.UPLOAD.form.id_doc}' });
    expect(pickerLimits(flow, 'REVIEW', { files: [] })).toEqual({
      files: { field: 'id_doc', type: 'DocumentPicker', allowedMimeTypes: ['application/pdf'], maxBytes: 100 * 1024 },
    });
  });
});
