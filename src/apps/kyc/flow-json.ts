// The KYC Flow JSON: FRONT (document type + the ID's front) → BACK (the ID's back) → REVIEW
// (consent OptIn). Files go through a DocumentPicker (JPEG, PNG or PDF) or a PhotoPicker, one per
// screen, sent to the endpoint with data_exchange (the only way picker files reach the business
// encrypted, SPEC B.2).
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

export const DOCUMENT_TYPES = [option('passport', 'Passport'), option('id_card', 'National ID card'), option('driving_licence', 'Driving licence')];

export interface KycJsonOptions {
  /** DocumentPicker (JPEG, PNG, PDF; default) or PhotoPicker (camera or gallery photos). */
  picker: 'document' | 'photo';
  maxFileSizeKb: number;
}

function picker(name: string, label: string, description: string, options: KycJsonOptions): Component {
  return options.picker === 'photo'
    ? photoPicker({ name, label, description, photoSource: 'camera_gallery', minUploadedPhotos: 1, maxUploadedPhotos: 1, maxFileSizeKb: options.maxFileSizeKb })
    : documentPicker({
        name,
        label,
        description,
        minUploadedDocuments: 1,
        maxUploadedDocuments: 1,
        maxFileSizeKb: options.maxFileSizeKb,
        allowedMimeTypes: [...KYC_MIME_TYPES],
      });
}

export function kycFlowJson(options: KycJsonOptions = { picker: 'document', maxFileSizeKb: 10240 }): FlowJson {
  const limit = `JPEG, PNG or PDF up to ${Math.floor(options.maxFileSizeKb / 1024)} MB`;
  return flow({
    version: '7.3',
    dataApiVersion: '3.0',
    routingModel: { FRONT: ['BACK'], BACK: ['REVIEW'], REVIEW: [] },
    screens: [
      screen('FRONT', {
        title: 'Verify your identity',
        children: [
          textHeading('Front of your ID'),
          dropdown({ name: 'document_type', label: 'Document type', required: true, dataSource: DOCUMENT_TYPES }),
          picker('id_front', 'Front side', limit, options),
          footer('Continue', dataExchange({ document_type: ref.form('document_type'), id_front: ref.form('id_front') })),
        ],
      }),
      screen('BACK', {
        title: 'Back of your ID',
        data: { front_name: field.string('front.jpg') },
        children: [
          textBody(ref.data('front_name')),
          picker('id_back', 'Back side', limit, options),
          footer('Continue', dataExchange({ id_back: ref.form('id_back') })),
        ],
      }),
      screen('REVIEW', {
        title: 'Review and consent',
        terminal: true,
        data: { summary: field.string('Passport: front.jpg, back.pdf') },
        children: [
          textHeading('Almost done'),
          textBody(ref.data('summary')),
          optIn({ name: 'consent', label: 'I agree that my ID is checked to verify my identity', required: true }),
          footer('Submit for review', dataExchange({ consent: ref.form('consent') })),
        ],
      }),
    ],
  });
}
