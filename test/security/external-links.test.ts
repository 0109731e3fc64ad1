/**
 * Finding 9: a link from BillPro data (an order's `payment_link`) or anything else the page opens
 * used to go to the OS browser unasked. Performed through the same gate and handler the window
 * uses (electron/window.ts wires `openExternalLink` to Electron's dialog and shell; the wiring
 * itself is exercised in test/unit/shell-main.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { ExternalLinkGate, openExternalLink } from '../../electron/core/shell-policy.ts';

function recorder(answers: boolean[]) {
  const asked: string[] = [];
  const opened: string[] = [];
  return {
    asked,
    opened,
    confirm: async (host: string) => {
      asked.push(host);
      return answers.shift() ?? false;
    },
    open: async (url: string) => {
      opened.push(url);
    },
  };
}

describe('finding 9: external links', () => {
  it('a payment link to a host that is not BillPro opens only after the person says yes to that host', async () => {
    const gate = new ExternalLinkGate();
    const r = recorder([false, true]);
    const link = 'https://checkout.psp-attacker.example/pay/abc?amount=1';
    expect(await openExternalLink(link, gate, r.confirm, r.open)).toBe('declined');
    expect(r.asked).toEqual(['checkout.psp-attacker.example']);
    expect(r.opened).toEqual([]);
    expect(await openExternalLink(link, gate, r.confirm, r.open)).toBe('opened');
    expect(r.opened).toEqual([link]);
    // Once per host: the next link there opens, another host is asked about again.
    expect(await openExternalLink('https://checkout.psp-attacker.example/pay/def', gate, r.confirm, r.open)).toBe('opened');
    expect(await openExternalLink('https://other.example/x', gate, r.confirm, r.open)).toBe('declined');
    expect(r.asked).toEqual(['checkout.psp-attacker.example', 'checkout.psp-attacker.example', 'other.example']);
  });

  it("BillPro's own domains open without a question; look-alikes do not", async () => {
    const gate = new ExternalLinkGate();
    const r = recorder([]);
    expect(await openExternalLink('https://docs.bill.pro/api', gate, r.confirm, r.open)).toBe('opened');
    expect(await openExternalLink('https://app.bill.pro/orders/1', gate, r.confirm, r.open)).toBe('opened');
    for (const lookAlike of ['https://bill.pro.attacker.example/', 'https://evilbill.pro/', 'https://app.bill.pro.example/']) {
      expect(await openExternalLink(lookAlike, gate, r.confirm, r.open), lookAlike).toBe('declined');
    }
    expect(r.asked).toEqual(['bill.pro.attacker.example', 'evilbill.pro', 'app.bill.pro.example']);
  });

  it('anything that is not a plain https URL is refused without asking', async () => {
    const gate = new ExternalLinkGate();
    const r = recorder([true, true, true, true, true]);
    for (const url of ['http://pay.example/x', 'javascript:alert(1)', 'file:///etc/passwd', 'https://app.bill.pro@evil.example/', 'ms-msdt:/id x']) {
      expect(await openExternalLink(url, gate, r.confirm, r.open), url).toBe('refused');
    }
    expect(r.asked).toEqual([]);
    expect(r.opened).toEqual([]);
  });
});
