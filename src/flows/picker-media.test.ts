// pickerItems on Meta's documented PhotoPicker payload (fixtures/flow_endpoint, normalised copy): the items
// are found under the payload key the screen fills from a picker (pickerLimits on pywa's PhotoPicker flow);
// the same array under any other key is ordinary data, and anything that is not a full CDN descriptor is
// not a picker file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FlowJson, InputField } from '../protocol/index.js';
import { carryFlow } from './carry-flow.test-util.js';
import { pickerLimits } from './picker-limits.js';
import { pickerItems } from './picker-media.js';
import { checkPicker } from './validate-input-rules.js';

const FIXTURES = new URL('../../../shared/protocol/fixtures/', import.meta.url);
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
const documented = () =>
  (fixture('flow_endpoint/meta_doc__photo_picker_data_exchange_item_normalized.json') as { photo_picker: unknown[] })
    .photo_picker;
// Its FIRST screen sends `{ "images": "${form.photo_picker}" }`.
const photoFlow = () => fixture('flow_json/pywa_v4_0__photo_picker.json') as FlowJson;

describe('pickerItems', () => {
  it("finds Meta's documented PhotoPicker item under the payload key that carries the picker", () => {
    const data = { images: documented(), name: 'Ada', tags: ['a', 'b'] };
    const items = pickerItems(data, pickerLimits(photoFlow(), 'FIRST', data));
    expect(items).toHaveLength(1);
    expect(items[0]?.key).toBe('images');
    expect(items[0]?.item).toMatchObject({
      media_id: '790aba14-5f4a-4dbd-aa9e-0d75401da14b',
      file_name: 'IMG_5237.jpg',
    });
  });

  it('leaves a picker-looking array under any other key alone, on a screen with or without a picker', () => {
    const internal = { ...(documented()[0] as object), cdn_url: 'http://127.0.0.1/latest/meta-data/iam' };
    const data = { images: documented(), photo_picker: [internal], junk: [internal] };
    expect(pickerItems(data, pickerLimits(photoFlow(), 'FIRST', data)).map((i) => i.key)).toEqual(['images']);
    // No picker on the screen (or an unknown screen): nothing at all.
    expect(pickerItems(data, pickerLimits(photoFlow(), 'NOPE', data))).toEqual([]);
    const textOnly = carryFlow('ASK', [{ type: 'TextInput', name: 'junk', label: 'Junk' }], {
      junk: '${screen.ASK.form.junk}',
    });
    expect(pickerItems(data, pickerLimits(textOnly, 'REVIEW', data))).toEqual([]);
  });

  it("follows another screen's picker carried by ${screen.S.form.x}", () => {
    const picker = { type: 'DocumentPicker', name: 'id_doc', label: 'ID' };
    const flow = carryFlow('UPLOAD', [picker], { files: '${screen.UPLOAD.form.id_doc}' });
    const data = { files: documented(), other: documented() };
    expect(pickerItems(data, pickerLimits(flow, 'REVIEW', data)).map((i) => i.key)).toEqual(['files']);
  });

  it('ignores arrays that are not all CDN descriptors', () => {
    const partial = { media_id: 'x', cdn_url: 'https://example.invalid/x', encryption_metadata: { iv: 'a' } };
    const every = { photo: null, empty: null, ids: null };
    expect(pickerItems({ photo: [partial], empty: [], ids: ['x'] }, every)).toEqual([]);
  });
  it('lists a file given twice once, and keeps only the fields a picker item has', () => {
    const item = { ...(documented()[0] as object), extra: { deep: [1, 2, 3] } };
    const data = { images: [item, item] };
    const items = pickerItems(data, pickerLimits(photoFlow(), 'FIRST', data));
    expect(items).toHaveLength(1);
    expect(Object.keys(items[0]?.item ?? {}).sort()).toEqual([
      'cdn_url',
      'encryption_metadata',
      'file_name',
      'media_id',
    ]);
    // A media id or URL far longer than any real one makes it no picker file at all…
    const limits = pickerLimits(photoFlow(), 'FIRST', data);
    const longId = { ...(documented()[0] as object), media_id: 'x'.repeat(257) };
    expect(pickerItems({ images: [longId] }, limits)).toEqual([]);
    // …but a long file name (a real phone's emoji or CJK name can pass 255 UTF-16 units) is cut, not refused,
    // and never inside a surrogate pair.
    const longName = { ...(documented()[0] as object), file_name: `${'x'.repeat(254)}😀.jpg` };
    const [cut] = pickerItems({ images: [longName] }, limits);
    expect(cut?.item.file_name).toBe('x'.repeat(254));
    // No name at all (absent or null) is a file all the same.
    const nameless = { ...(documented()[0] as object), file_name: null };
    expect(pickerItems({ images: [nameless] }, limits).map((i) => i.item.file_name)).toEqual(['']);
  });

  it('is what the input validation accepts as a picker file: a value it would drop is refused on the screen', () => {
    const picker = { type: 'PhotoPicker', name: 'photo', label: 'Photo', constraints: {} } as unknown as InputField;
    const { hmac_key: _dropped, ...metadata } = (documented()[0] as { encryption_metadata: Record<string, string> })
      .encryption_metadata;
    const incomplete = { ...(documented()[0] as object), encryption_metadata: metadata };
    expect(pickerItems({ images: [incomplete] }, pickerLimits(photoFlow(), 'FIRST', {}))).toEqual([]);
    expect(checkPicker(picker, [incomplete])).toMatchObject({ code: 'invalid_value' });
    expect(checkPicker(picker, documented())).toBeNull();
  });
});
