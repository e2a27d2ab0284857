// pickerItems on Meta's documented PhotoPicker payload (fixtures/flow_endpoint, normalised copy): the items
// are found under their payload key; anything that is not a full CDN descriptor is not a picker file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pickerItems } from './picker-media.js';

const FIXTURE = new URL(
  '../../../shared/protocol/fixtures/flow_endpoint/meta_doc__photo_picker_data_exchange_item_normalized.json',
  import.meta.url,
);

describe('pickerItems', () => {
  it("finds Meta's documented PhotoPicker item under its payload key", () => {
    const data = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
    const items = pickerItems({ ...data, name: 'Ada', tags: ['a', 'b'] });
    expect(items).toHaveLength(1);
    expect(items[0]?.key).toBe('photo_picker');
    expect(items[0]?.item).toMatchObject({
      media_id: '790aba14-5f4a-4dbd-aa9e-0d75401da14b',
      file_name: 'IMG_5237.jpg',
    });
  });

  it('ignores arrays that are not all CDN descriptors', () => {
    const partial = { media_id: 'x', cdn_url: 'https://example.invalid/x', encryption_metadata: { iv: 'a' } };
    expect(pickerItems({ photo: [partial], empty: [], ids: ['x'] })).toEqual([]);
  });
});
