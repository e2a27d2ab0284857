// The live demo of `flowgate dev`: example handlers, and a simulated customer who writes, gets a reply with
// buttons, taps one and gets an answer, while status webhooks (sent → delivered → read) come back.
import type { Emulator } from '../emulator/index.js';
import type { Logger } from '../log/index.js';
import type { FlowgateApp } from '../server/app.js';

export const DEMO_CUSTOMER = { waId: '15551234567', name: 'Ada Demo' };

export function registerDemoHandlers(app: FlowgateApp): void {
  app.on('message.text', async (ctx) => {
    ctx.log.info('demo: a customer wrote; replying with buttons');
    await ctx.reply({
      type: 'interactive_buttons',
      body: `Hi ${ctx.event.profileName ?? 'there'}! This reply comes from a Flowgate handler. What would you like to do?`,
      buttons: [
        { id: 'book', title: 'Book a visit' },
        { id: 'talk', title: 'Talk to a person' },
      ],
    });
  });
  app.on('message.button_reply', async (ctx) => {
    ctx.log.info({ button: ctx.event.reply.id }, 'demo: button tapped; answering');
    await ctx.reply({
      type: 'text',
      body: `You chose "${ctx.event.reply.title}". In a real app a Flow would open now.`,
    });
  });
  app.on('status.*', (ctx) => {
    ctx.log.info('demo: status update');
  });
}

/** Drives the simulated customer through the round trip. Resolves true when it completed in time. */
export async function runDemo(emulator: Emulator, logger: Logger, timeoutMs = 15_000): Promise<boolean> {
  const customer = emulator.customer(DEMO_CUSTOMER.waId, DEMO_CUSTOMER.name);
  const deadline = Date.now() + timeoutMs;
  const sentTo = () => emulator.sentMessages().filter((m) => m.to === DEMO_CUSTOMER.waId);

  logger.info('demo: the simulated customer says hi');
  await customer.sendText('Hi Flowgate!');
  const buttons = await until(() => sentTo().find((m) => m.type === 'interactive'), deadline);
  if (buttons === undefined) return false;

  logger.info('demo: the simulated customer taps "Book a visit"');
  await customer.tapButton({ id: 'book', title: 'Book a visit' }, buttons.wamid);
  const answer = await until(() => sentTo().find((m) => m.type === 'text' && m.status === 'read'), deadline);
  return answer !== undefined;
}

async function until<T>(check: () => T | undefined, deadline: number): Promise<T | undefined> {
  while (Date.now() < deadline) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return undefined;
}
