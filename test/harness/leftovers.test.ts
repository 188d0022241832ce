import { describe, expect, it } from 'vitest';
import { listProcesses } from '../support/proc.ts';
import { ROOT } from '../support/popbridge-process.ts';
import { runCommand } from '../support/run-command.ts';
import { RUN_MARKER } from '../setup/leftovers.ts';

describe('the check for processes tests leave running', () => {
  it('fails a run whose test leaves a process behind, names it, and kills it', async () => {
    // A run of its own, with its own marker: this run's processes are none of its business.
    const env = { ...process.env };
    delete env[RUN_MARKER];
    const before = new Set(listProcesses().filter((p) => p.command === 'sleep 300').map((p) => p.pid));
    const run = await runCommand(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/leak/vitest.config.ts'], undefined, { cwd: ROOT, env });
    const output = run.stdout + run.stderr;
    expect(run.code, output).toBe(1);
    expect(output).toContain('1 passed');
    expect(output).toMatch(/Tests left 1 process\(es\) running \(now killed\)[^\n]*\n\s+pid \d+ \(group \d+, parent \d+\): sleep 300/);
    expect(listProcesses().filter((p) => p.command === 'sleep 300' && !before.has(p.pid))).toEqual([]);
  }, 120_000);
});
