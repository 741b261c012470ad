import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/**
 * axe-core over the whole page as it is now (every rule axe runs by default: WCAG 2.x A/AA and
 * best practices); the test fails on any serious or critical violation, listing each with the
 * elements it concerns.
 */
export async function expectAccessible(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} (${v.helpUrl.replace(/\?.*$/, '')})\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`).join('\n')}`,
    );
  expect(bad, `serious or critical accessibility violations on ${page.url()}`).toEqual([]);
}
