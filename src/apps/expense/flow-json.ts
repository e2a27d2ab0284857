// The expense entry Flow JSON: EXPENSE (amount, category, description) → RECEIPT (an optional
// receipt photo) — both through the endpoint, which checks the amount and stores the expense.
import {
  dataExchange,
  dropdown,
  field,
  flow,
  footer,
  option,
  photoPicker,
  ref,
  screen,
  textArea,
  textBody,
  textHeading,
  textInput,
  type FlowJson,
} from '../../protocol/index.js';

export interface ExpenseCategory {
  id: string;
  title: string;
}

export const DEFAULT_EXPENSE_CATEGORIES: readonly ExpenseCategory[] = [
  { id: 'travel', title: 'Travel' },
  { id: 'meals', title: 'Meals' },
  { id: 'lodging', title: 'Lodging' },
  { id: 'supplies', title: 'Office supplies' },
  { id: 'software', title: 'Software' },
  { id: 'other', title: 'Other' },
];

export function expenseFlowJson(categories: readonly ExpenseCategory[] = DEFAULT_EXPENSE_CATEGORIES, maxFileSizeKb = 10240): FlowJson {
  return flow({
    version: '7.3',
    dataApiVersion: '3.0',
    routingModel: { EXPENSE: ['RECEIPT'], RECEIPT: [] },
    screens: [
      screen('EXPENSE', {
        title: 'New expense',
        data: { currency: field.string('EUR') },
        children: [
          textHeading('What did you spend?'),
          textInput({ name: 'amount', label: 'Amount', inputType: 'number', required: true, helperText: ref.data('currency') }),
          dropdown({
            name: 'category',
            label: 'Category',
            required: true,
            dataSource: categories.map((c) => option(c.id, c.title)),
          }),
          textArea({ name: 'description', label: 'Description', required: true, maxLength: 300 }),
          footer(
            'Continue',
            dataExchange({ amount: ref.form('amount'), category: ref.form('category'), description: ref.form('description') }),
          ),
        ],
      }),
      screen('RECEIPT', {
        title: 'Receipt',
        terminal: true,
        data: { summary: field.string('EUR 12.50 · Meals'), revision: field.string('Jx2bD4.x') },
        children: [
          textBody(ref.data('summary')),
          photoPicker({
            name: 'receipt',
            label: 'Receipt photo',
            description: 'Optional: a photo of the receipt',
            photoSource: 'camera_gallery',
            minUploadedPhotos: 0,
            maxUploadedPhotos: 1,
            maxFileSizeKb,
          }),
          footer('Submit expense', dataExchange({ receipt: ref.form('receipt'), revision: ref.data('revision') })),
        ],
      }),
    ],
  });
}
