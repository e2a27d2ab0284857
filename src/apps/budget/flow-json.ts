// The budget setup Flow JSON: CATEGORIES (which categories, currency, period) → LIMITS (a limit for
// each chosen category) → ALERTS (alert thresholds) → REVIEW.
import {
  checkboxGroup,
  dataExchange,
  dropdown,
  field,
  flow,
  footer,
  optIn,
  option,
  radioButtonsGroup,
  ref,
  screen,
  textBody,
  textHeading,
  textInput,
  textSubheading,
  type FlowJson,
} from '../../protocol/index.js';

export const BUDGET_CATEGORIES = [
  option('housing', 'Housing'),
  option('groceries', 'Groceries'),
  option('transport', 'Transport'),
  option('dining', 'Eating out'),
  option('utilities', 'Utilities'),
  option('health', 'Health'),
  option('entertainment', 'Entertainment'),
  option('savings', 'Savings'),
];

export const CURRENCY_OPTIONS = [option('EUR', 'Euro (EUR)'), option('USD', 'US dollar (USD)'), option('GBP', 'Pound (GBP)'), option('BRL', 'Real (BRL)'), option('INR', 'Rupee (INR)')];

export const PERIOD_OPTIONS = [option('monthly', 'Monthly'), option('weekly', 'Weekly')];

export const THRESHOLD_OPTIONS = [option('50', '50% spent'), option('75', '75% spent'), option('90', '90% spent'), option('100', 'Limit reached')];

export function budgetFlowJson(): FlowJson {
  return flow({
    version: '7.3',
    dataApiVersion: '3.0',
    routingModel: { CATEGORIES: ['LIMITS'], LIMITS: ['ALERTS'], ALERTS: ['REVIEW'], REVIEW: [] },
    screens: [
      screen('CATEGORIES', {
        title: 'Set up a budget',
        children: [
          textHeading('What do you want to track?'),
          checkboxGroup({
            name: 'categories',
            label: 'Categories',
            required: true,
            minSelectedItems: 1,
            maxSelectedItems: BUDGET_CATEGORIES.length,
            dataSource: BUDGET_CATEGORIES,
          }),
          dropdown({ name: 'currency', label: 'Currency', required: true, dataSource: CURRENCY_OPTIONS }),
          radioButtonsGroup({ name: 'period', label: 'Budget period', required: true, dataSource: PERIOD_OPTIONS }),
          footer(
            'Continue',
            dataExchange({ categories: ref.form('categories'), currency: ref.form('currency'), period: ref.form('period') }),
          ),
        ],
      }),
      screen('LIMITS', {
        title: 'Limits',
        data: {
          intro: field.string('Monthly limits in EUR'),
          // Sent back with the answers: a stale copy of this form (open twice) is refused (steps.ts).
          revision: field.string('Jx2bD4'),
          ...Object.fromEntries(BUDGET_CATEGORIES.map((c) => [`show_${c.id}`, field.boolean(true)])),
        },
        children: [
          textSubheading(ref.data('intro')),
          ...BUDGET_CATEGORIES.map((c) =>
            textInput({
              name: `limit_${c.id}`,
              label: c.title,
              inputType: 'number',
              required: ref.data(`show_${c.id}`),
              visible: ref.data(`show_${c.id}`),
            }),
          ),
          footer(
            'Continue',
            dataExchange({
              ...Object.fromEntries(BUDGET_CATEGORIES.map((c) => [`limit_${c.id}`, ref.form(`limit_${c.id}`)])),
              revision: ref.data('revision'),
            }),
          ),
        ],
      }),
      screen('ALERTS', {
        title: 'Alerts',
        data: { revision: field.string('Jx2bD4') },
        children: [
          checkboxGroup({
            name: 'thresholds',
            label: 'Alert me when',
            required: true,
            minSelectedItems: 1,
            dataSource: THRESHOLD_OPTIONS,
          }),
          optIn({ name: 'weekly_summary', label: 'Send me a weekly spending summary', required: false }),
          footer(
            'Review',
            dataExchange({
              thresholds: ref.form('thresholds'),
              weekly_summary: ref.form('weekly_summary'),
              revision: ref.data('revision'),
            }),
          ),
        ],
      }),
      screen('REVIEW', {
        title: 'Review budget',
        terminal: true,
        data: {
          summary: field.string('Housing: €1,000.00'),
          total: field.string('Total per month: €1,000.00'),
          revision: field.string('Jx2bD4'),
        },
        children: [
          textHeading('Your budget'),
          textBody(ref.data('summary')),
          textBody(ref.data('total'), { fontWeight: 'bold' }),
          footer('Save budget', dataExchange({ confirm: true, revision: ref.data('revision') })),
        ],
      }),
    ],
  });
}
