// Meta's documented limits for outbound messages (SPEC D.2 and Meta's message-type pages), in one
// place so the builders, their tests and any UI agree. Lengths count Unicode code points.

export const LIMITS = Object.freeze({
  textBody: 4096,
  mediaCaption: 1024,
  headerText: 60,
  footerText: 60,

  buttonsBody: 1024,
  replyButtons: 3,
  replyButtonId: 256,
  replyButtonTitle: 20,

  listBody: 4096,
  listButtonText: 20,
  listSections: 10,
  listRowsTotal: 10,
  listSectionTitle: 24,
  listRowId: 200,
  listRowTitle: 24,
  listRowDescription: 72,

  ctaUrlBody: 1024,
  ctaUrlDisplayText: 20,

  flowBody: 1024,
  /** Meta: "advised to be 30 characters or less (no emoji)". */
  flowCta: 30,

  templateHeaderText: 60,
  /** A body text parameter when the template has other components… */
  templateBodyText: 1024,
  /** …and when the body is the only component. */
  templateBodyTextAlone: 32_768,
  /** Button positions run 0..9. */
  templateButtonIndexMax: 9,

  bizOpaqueCallbackData: 512,
  phoneDigitsMin: 7,
  phoneDigitsMax: 15,
});
