/**
 * billpro-desk:// links and their browser-mode twin (#/p/…): what opens, what is refused and
 * with which words, and that both spellings name the same route.
 */
import { describe, expect, it } from 'vitest';
import {
  deepLinkInArgv,
  deepLinkOf,
  linkHashOf,
  parseDeepLink,
  parseLinkHash,
  type LinkRoute,
} from '../../electron/common/deep-link.ts';

const PROFILE = '3f0c2a9e-8d1b-4c55-9a7e-1b2c3d4e5f60';

describe('billpro-desk:// links', () => {
  it.each([
    [`billpro-desk://${PROFILE}/orders/1042`, { profileId: PROFILE, view: 'orders', id: 1042 }],
    [`billpro-desk://${PROFILE}/customers/7/`, { profileId: PROFILE, view: 'customers', id: 7 }],
    [`BILLPRO-DESK://${PROFILE}/products/55`, { profileId: PROFILE, view: 'products', id: 55 }],
    [`billpro-desk://${PROFILE}/orders/-3`, { profileId: PROFILE, view: 'orders', id: -3 }],
    [`billpro-desk://${PROFILE}/orders`, { profileId: PROFILE, view: 'orders', id: null }],
    [`billpro-desk://${PROFILE}/activity`, { profileId: PROFILE, view: 'activity', id: null }],
    [`billpro-desk://${PROFILE}`, { profileId: PROFILE, view: 'dashboard', id: null }],
  ])('opens %s', (link, route) => {
    expect(parseDeepLink(link)).toEqual({ ok: true, route });
  });

  it.each([
    ['https://evil.example/orders/1', /is not a BillPro Desk link/],
    ['billpro-desk:orders/1', /is not a BillPro Desk link/],
    [`billpro-desk://${PROFILE}/invoices/1`, /“invoices”, which Desk cannot open/],
    [`billpro-desk://${PROFILE}/orders/1042/edit`, /more after “orders”/],
    [`billpro-desk://${PROFILE}/activity/3`, /more after “activity”/],
    [`billpro-desk://${PROFILE}/orders/abc`, /“abc” is not a record number/],
    [`billpro-desk://${PROFILE}/orders/0`, /“0” is not a record number/],
    [`billpro-desk://${PROFILE}/orders/99999999999999999`, /is not a record number/],
    [`billpro-desk://${PROFILE}/orders/1?delete=1`, /characters Desk links never contain/],
    [`billpro-desk://${PROFILE}/orders/%2e%2e`, /characters Desk links never contain/],
    ['billpro-desk:///orders/1', /does not name a profile/],
    ['billpro-desk://../orders/1', /does not name a profile/],
    [`billpro-desk://${PROFILE}/${'x'.repeat(600)}`, /too long/],
  ])('refuses %s with a clear message', (link, message) => {
    const parsed = parseDeepLink(link);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });

  it('writes links and fragments that parse back to the same route', () => {
    const routes: LinkRoute[] = [
      { profileId: PROFILE, view: 'orders', id: 1042 },
      { profileId: 'p1', view: 'customers', id: -8 },
      { profileId: 'p1', view: 'activity', id: null },
    ];
    for (const route of routes) {
      expect(parseDeepLink(deepLinkOf(route))).toEqual({ ok: true, route });
      expect(parseLinkHash(linkHashOf(route))).toEqual({ ok: true, route });
    }
    expect(linkHashOf(routes[0]!)).toBe(`#/p/${PROFILE}/orders/1042`);
  });

  it('leaves ordinary fragments to the router and refuses broken profile fragments', () => {
    expect(parseLinkHash('#/orders/1042')).toBeNull();
    expect(parseLinkHash('')).toBeNull();
    expect(parseLinkHash('#/p/x/teapots')).toMatchObject({ ok: false, message: expect.stringMatching(/teapots/) });
  });

  it('finds the link in a second launch’s command line', () => {
    expect(deepLinkInArgv(['/usr/bin/billpro-desk', '--no-sandbox', `billpro-desk://${PROFILE}/orders/1`])).toBe(
      `billpro-desk://${PROFILE}/orders/1`,
    );
    expect(deepLinkInArgv(['C:\\BillPro Desk.exe', '--flag'])).toBeNull();
  });
});
