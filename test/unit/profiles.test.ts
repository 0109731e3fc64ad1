import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileRegistry } from '../../electron/core/profiles.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'desk-profiles-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sample = { name: 'Examply', environment: 'production' as const, baseUrl: 'https://app.bill.pro/api/v1', billproProfileId: null };

describe('profile registry', () => {
  it('keeps profiles and the active one across reopen, without any token field', async () => {
    const { registry } = await ProfileRegistry.open(dir);
    const a = await registry.add(sample);
    const b = await registry.add({ ...sample, name: 'Northwind', billproProfileId: 2 });
    await registry.setActive(b.id);
    const { registry: again, problem } = await ProfileRegistry.open(dir);
    expect(problem).toBeNull();
    expect(again.list().map((p) => p.name)).toEqual(['Examply', 'Northwind']);
    expect(again.activeId).toBe(b.id);
    expect(again.get(a.id).billproProfileId).toBeNull();
    const raw = readFileSync(path.join(dir, 'profiles.json'), 'utf8');
    expect(raw).not.toMatch(/token/i);
  });

  it('writes atomically: no temp files are left behind', async () => {
    const { registry } = await ProfileRegistry.open(dir);
    await Promise.all([registry.add(sample), registry.add({ ...sample, name: 'Two' }), registry.add({ ...sample, name: 'Three' })]);
    expect(readdirSync(dir)).toEqual(['profiles.json']);
    const { registry: again } = await ProfileRegistry.open(dir);
    expect(again.list()).toHaveLength(3);
  });

  it('sets an unreadable file aside and says so instead of crashing', async () => {
    writeFileSync(path.join(dir, 'profiles.json'), '{"version":1,"profiles":[{"id":');
    const { registry, problem } = await ProfileRegistry.open(dir);
    expect(registry.list()).toEqual([]);
    expect(problem).toMatch(/could not be read/);
    expect(readdirSync(dir).some((f) => f.startsWith('profiles.json.unreadable-'))).toBe(true);
  });

  it('removing the active profile activates another one', async () => {
    const { registry } = await ProfileRegistry.open(dir);
    const a = await registry.add(sample);
    const b = await registry.add({ ...sample, name: 'B' });
    await registry.setActive(a.id);
    await registry.remove(a.id);
    expect(registry.activeId).toBe(b.id);
    expect(() => registry.get(a.id)).toThrow(/no longer exists/);
  });
});
