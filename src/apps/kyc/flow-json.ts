// The KYC Flow JSON: FRONT (document type + the ID's front) → BACK (the ID's back) → REVIEW
// (consent OptIn). Files go through a DocumentPicker (JPEG, PNG or PDF) or a PhotoPicker, one per
// screen, sent to the endpoint with data_exchange (the only way picker files reach the business
// encrypted, SPEC B.2). Each picker's error-message is bound to screen data (`front_errors`,
// `back_errors`): per media_id, why that file was refused (SPEC B.1).
import {
  dataExchange,
  documentPicker,
  dropdown,
  field,
  flow,
  footer,
  optIn,
  option,
  photoPicker,
  ref,
  screen,
  textBody,
  textHeading,
  type Component,
  type DocumentMimeType,
  type FlowJson,
} from '../../protocol/index.js';

export const KYC_MIME_TYPES: readonly DocumentMimeType[] = ['image/jpeg', 'image/png', 'application/pdf'];
/** What the PhotoPicker variant accepts. */
export const KYC_PHOTO_MIME_TYPES: readonly string[] = ['image/jpeg', 'image/png'];

const TYPE_LABELS: Readonly<Record<string, string>> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'application/pdf': 'PDF' };

/** "JPEG, PNG or PDF" for the accepted MIME types. */
export function typesLabel(types: readonly string[]): string {
  const labels = types.map((type) => TYPE_LABELS[type] ?? type);
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} or ${labels.at(-1) ?? ''}`;
}

/** "64 KB", "10 MB", "1.5 MB": a size limit as people read it (never "0 MB"). */
export function sizeLabel(kib: number): string {
  if (kib < 1024) return `${Math.floor(kib)} KB`;
  return `${Number((kib / 1024).toFixed(1))} MB`;
}

/** The per-media_id error map each picker shows (empty when nothing was refused). */
const mediaErrors = () => field.object({}, {});

export const DOCUMENT_TYPES = [option('passport', 'Passport'), option('id_card', 'National ID card'), option('driving_licence', 'Driving licence')];

export interface KycJsonOptions {
  /** DocumentPicker (JPEG, PNG, PDF; default) or PhotoPicker (camera or gallery photos). */
  picker: 'document' | 'photo';
  maxFileSizeKb: number;
}

function picker(name: string, label: string, errors: string, options: KycJsonOptions): Component {
  const types = options.picker === 'photo' ? KYC_PHOTO_MIME_TYPES : KYC_MIME_TYPES;
  const description = `${typesLabel(types)} up to ${sizeLabel(options.maxFileSizeKb)}`;
  const errorMessage = ref.data(errors);
  return options.picker === 'photo'
    ? photoPicker({
        name,
        label,
        description,
        photoSource: 'camera_gallery',
        minUploadedPhotos: 1,
        maxUploadedPhotos: 1,
        maxFileSizeKb: options.maxFileSizeKb,
        errorMessage,
      })
    : documentPicker({
        name,
        label,
        description,
        minUploadedDocuments: 1,
        maxUploadedDocuments: 1,
        maxFileSizeKb: options.maxFileSizeKb,
        allowedMimeTypes: [...KYC_MIME_TYPES],
        errorMessage,
      });
}

export function kycFlowJson(options: KycJsonOptions = { picker: 'document', maxFileSizeKb: 10240 }): FlowJson {
  return flow({
    version: '7.3',
    dataApiVersion: '3.0',
    routingModel: { FRONT: ['BACK'], BACK: ['REVIEW'], REVIEW: [] },
    screens: [
      screen('FRONT', {
        title: 'Verify your identity',
        data: { front_errors: mediaErrors() },
        children: [
          textHeading('Front of your ID'),
          dropdown({ name: 'document_type', label: 'Document type', required: true, dataSource: DOCUMENT_TYPES }),
          picker('id_front', 'Front side', 'front_errors', options),
          footer('Continue', dataExchange({ document_type: ref.form('document_type'), id_front: ref.form('id_front') })),
        ],
      }),
      screen('BACK', {
        title: 'Back of your ID',
        data: { front_name: field.string('front.jpg'), back_errors: mediaErrors(), revision: field.string('Jx2bD4') },
        children: [
          textBody(ref.data('front_name')),
          picker('id_back', 'Back side', 'back_errors', options),
          footer('Continue', dataExchange({ id_back: ref.form('id_back'), revision: ref.data('revision') })),
        ],
      }),
      screen('REVIEW', {
        title: 'Review and consent',
        terminal: true,
        data: { summary: field.string('Passport: front.jpg, back.pdf'), revision: field.string('Jx2bD4.x') },
        children: [
          textHeading('Almost done'),
          textBody(ref.data('summary')),
          optIn({ name: 'consent', label: 'I agree that my ID is checked to verify my identity', required: true }),
          footer('Submit for review', dataExchange({ consent: ref.form('consent'), revision: ref.data('revision') })),
        ],
      }),
    ],
  });
}
