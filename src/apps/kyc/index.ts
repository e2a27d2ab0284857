// The KYC document flow: register(app, options) serves it at /flows/kyc.
import { storageFor, type CommonAppOptions, type FlowHost } from '../common/host.js';
import { flowOptions } from '../common/steps.js';
import { KYC_MIME_TYPES, KYC_PHOTO_MIME_TYPES, kycFlowJson } from './flow-json.js';
import { kycSteps } from './steps.js';

export { kycFlowJson, KYC_MIME_TYPES, KYC_PHOTO_MIME_TYPES, DOCUMENT_TYPES, type KycJsonOptions } from './flow-json.js';
export { kycSteps, KYC_APP, type KycSubmission } from './steps.js';

export interface KycOptions extends CommonAppOptions {
  /** Send the customer a confirmation message once the flow completed (default true). */
  confirmationMessage?: boolean;
  /** DocumentPicker (JPEG, PNG, PDF; default) or PhotoPicker. */
  picker?: 'document' | 'photo';
  /** Per-file limit, the pickers' max-file-size-kb (default 10 240 KiB, at most 25 600). */
  maxFileSizeKb?: number;
}

export function register(app: FlowHost, options: KycOptions = {}): void {
  const maxFileSizeKb = Math.min(options.maxFileSizeKb ?? 10_240, 25_600);
  const picker = options.picker ?? 'document';
  const allowedMimeTypes = picker === 'photo' ? [...KYC_PHOTO_MIME_TYPES] : [...KYC_MIME_TYPES];
  const steps = kycSteps({ allowedMimeTypes, maxFileBytes: maxFileSizeKb * 1024 }, storageFor(app, options.storage));
  app.flow(
    'kyc',
    flowOptions(kycFlowJson({ picker, maxFileSizeKb }), steps, options.now ?? Date.now, {
      awaitMedia: true,
      allowedMimeTypes,
      confirm: options.confirmationMessage ?? true,
    }),
  );
}
