// The 24-hour customer-service window, on an explicit clock.
import { describe, expect, it } from 'vitest';
import { assertWithinWindow, OutsideWindowError } from './window.js';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const secondsAgo = (s: number) => Math.floor(NOW / 1000) - s;

describe('assertWithinWindow', () => {
  it('allows a free-form message up to just before 24 hours after the last inbound message', () => {
    expect(() => {
      assertWithinWindow(secondsAgo(60), NOW);
    }).not.toThrow();
    expect(() => {
      assertWithinWindow(secondsAgo(24 * 3600 - 1), NOW);
    }).not.toThrow();
  });

  it('refuses at 24 hours and after, naming the rule and suggesting a template', () => {
    expect(() => {
      assertWithinWindow(secondsAgo(24 * 3600), NOW);
    }).toThrow(OutsideWindowError);
    try {
      assertWithinWindow(secondsAgo(3 * 24 * 3600), NOW);
    } catch (error) {
      expect(error).toBeInstanceOf(OutsideWindowError);
      const e = error as OutsideWindowError;
      expect(e.code).toBe('flowgate.outbound.outside_window');
      expect(e.status).toBe(422);
      expect(e.message).toMatch(/24 hours/);
      expect(e.message).toMatch(/131047/);
      expect(e.message).toMatch(/template/);
    }
  });

  it('refuses when the customer never wrote', () => {
    expect(() => {
      assertWithinWindow(null, NOW);
    }).toThrow(/never messaged/);
  });
});
