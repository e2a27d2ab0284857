// What a data_exchange payload's picker files must satisfy, read from the screen's Flow JSON: for
// each payload key holding `${form.<picker>}` (or an earlier screen's `${screen.S.form.<picker>}`), the accepted MIME types (DocumentPicker
// `allowed-mime-types`, else SPEC B.1's list; PhotoPicker images) and the byte bound from
// `max-file-size-kb`. The endpoint passes these to storeFlowMedia per item.

import { screenById, type FlowJson } from '../protocol/index.js';
import { FLOW_MEDIA_DEFAULT_MIME_TYPES, PHOTO_MIME_TYPES } from './flow-media-sniff.js';
import { referencedFields } from './validate-input-map.js';

export interface PickerLimits {
  /** The PhotoPicker/DocumentPicker component name. */
  field: string;
  type: 'PhotoPicker' | 'DocumentPicker';
  allowedMimeTypes: readonly string[];
  /** `max-file-size-kb` × 1024 (25 MiB by default). */
  maxBytes: number;
}

/** Limits by top-level payload key (pickers may only be top-level payload values, SPEC B.1). */
export function pickerLimits(
  flow: FlowJson,
  screenId: string,
  payload: Record<string, unknown>,
): Record<string, PickerLimits> {
  const screen = screenById(flow, screenId);
  if (screen === undefined) return {};
  const out: Record<string, PickerLimits> = {};
  for (const { field, keyPath } of referencedFields(screen, payload, flow)) {
    if ((field.type !== 'PhotoPicker' && field.type !== 'DocumentPicker') || keyPath.length !== 1) continue;
    const key = keyPath[0];
    if (key === undefined) continue;
    const declared = field.constraints.allowedMimeTypes;
    out[key] = {
      field: field.name,
      type: field.type,
      allowedMimeTypes:
        field.type === 'PhotoPicker'
          ? PHOTO_MIME_TYPES
          : declared !== undefined && declared.length > 0
            ? declared
            : FLOW_MEDIA_DEFAULT_MIME_TYPES,
      maxBytes: (field.constraints.maxFileSizeKb ?? 25600) * 1024,
    };
  }
  return out;
}
