/**
 * The accessibility check every screen of every spec passes: axe finds nothing of impact serious
 * or critical. Lesser findings do not fail a spec; they are reviewed by hand.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/**
 * No axe violation of impact serious or critical on the page as it is now. `what` names the
 * screen or dialog in the failure; `disableRules` is for a rule axe cannot judge there, with the
 * reason said where it is passed.
 */
export async function expectNoSeriousA11yIssues(page: Page, what: string, disableRules: string[] = []): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).disableRules(disableRules).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), what).toEqual([]);
}
