import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const infraDir = join(import.meta.dirname, '..');

describe('cdk synth (the real CLI, with esbuild bundling)', () => {
  it('produces the CloudFormation template and one ESM bundle per function, offline and without an AWS account', () => {
    // Prepare: no credentials, no region, no network beyond loopback; notices and telemetry are off in cdk.json.
    const out = mkdtempSync(join(tmpdir(), 'gamekeeper-synth-'));
    const env = { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'none', CDK_DISABLE_CLI_TELEMETRY: 'true' };

    // Act
    const started = Date.now();
    const result = spawnSync(join(infraDir, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--output', out], { cwd: infraDir, env, encoding: 'utf8', timeout: 240_000 });
    const seconds = (Date.now() - started) / 1000;

    // Assess
    expect(result.stderr + result.stdout).not.toMatch(/AwsSolutions-/);
    expect(result.status).toBe(0);
    const template = JSON.parse(readFileSync(join(out, 'Gamekeeper.template.json'), 'utf8'));
    expect(Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function')).toHaveLength(4);
    const bundles = readdirSync(out).filter((d) => d.startsWith('asset.') && existsSync(join(out, d, 'index.mjs')));
    expect(bundles).toHaveLength(4);
    console.log(`cdk synth took ${seconds.toFixed(1)} s`);
  }, 300_000);
});
