import { expect, type Page } from '@playwright/test';

/**
 * Every link, button and form control on the page has an accessible name (label, aria-label,
 * aria-labelledby or text). A light check in the page, no extra tooling.
 */
export async function expectEveryControlLabelled(page: Page) {
  const unnamed = await page.evaluate(() => {
    const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const nameOf = (el: Element): string => {
      const aria = el.getAttribute('aria-label')?.trim();
      if (aria) return aria;
      const by = el.getAttribute('aria-labelledby');
      if (by) return by.split(/\s+/).map((id) => text(document.getElementById(id))).join(' ').trim();
      const labels = (el as HTMLInputElement).labels;
      if (labels && labels.length) return [...labels].map(text).join(' ').trim();
      if (el.tagName === 'A' || el.tagName === 'BUTTON') return text(el) || el.getAttribute('title') || '';
      return el.getAttribute('title') ?? '';
    };
    return [...document.querySelectorAll('a[href], button, input:not([type="hidden"]), select, textarea')]
      .filter((el) => !nameOf(el))
      .map((el) => el.outerHTML.slice(0, 160));
  });
  expect(unnamed, 'controls without an accessible name').toEqual([]);
}
