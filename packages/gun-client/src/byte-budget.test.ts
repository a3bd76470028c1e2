import { describe, expect, it } from 'vitest';
import { createByteBudget } from './byte-budget.js';

describe(createByteBudget.name, () => {
  it('lets reads in while their shares fit, the next one after a release', async () => {
    const budget = createByteBudget(100);
    const a = await budget.take(60);
    const b = await budget.take(40);
    let third = false;
    const c = budget.take(10).then((release) => {
      third = true;
      return release;
    });
    await Promise.resolve();
    expect(third).toBe(false);
    expect(budget.inUse()).toBe(100);
    a();
    (await c)();
    expect(third).toBe(true);
    b();
    expect(budget.inUse()).toBe(0);
  });

  it('cuts a share larger than the budget to the budget (it runs alone)', async () => {
    const budget = createByteBudget(100);
    const big = await budget.take(1_000);
    expect(budget.inUse()).toBe(100);
    big();
    big(); // a second release changes nothing
    expect(budget.inUse()).toBe(0);
  });

  it('serves waiting reads in order', async () => {
    const budget = createByteBudget(10);
    const first = await budget.take(10);
    const order: string[] = [];
    const wide = budget.take(8).then((r) => (order.push('wide'), r));
    const narrow = budget.take(1).then((r) => (order.push('narrow'), r));
    first();
    (await wide)();
    (await narrow)();
    expect(order).toEqual(['wide', 'narrow']);
  });
});
