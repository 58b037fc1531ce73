import { access, readdir, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { UserError } from '../errors.js';

/**
 * The terraform adapter: finds the binary and (offline) the provider mirror, writes the emulator
 * endpoint override, and runs init/plan/apply/destroy with `-json` so progress is shown live.
 */

export async function findTerraform(env = process.env): Promise<string> {
  const explicit = env.ARCHCOMPARE_TERRAFORM;
  const candidates = explicit ? [explicit] : (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, 'terraform'));
  for (const c of candidates) {
    try {
      await access(c, constants.X_OK);
      return c;
    } catch {
      /* next */
    }
  }
  throw new UserError(
    explicit ? `terraform not found at ARCHCOMPARE_TERRAFORM=${explicit}` : 'terraform is not installed (not found on PATH)',
    'install Terraform >= 1.11 (https://developer.hashicorp.com/terraform/install) or set ARCHCOMPARE_TERRAFORM to its path',
  );
}

const AWS_PROVIDER_DIR = path.join('registry.terraform.io', 'hashicorp', 'aws');

async function isMirrorRoot(dir: string): Promise<boolean> {
  try {
    return (await readdir(path.join(dir, AWS_PROVIDER_DIR))).length > 0;
  } catch {
    return false;
  }
}

/**
 * A local filesystem mirror that holds the AWS provider (an offline machine, or a pinned cache),
 * searched at run time in Terraform's documented implied mirror locations and one level under /opt.
 * Undefined means: let terraform use the registry as usual.
 */
export async function findProviderMirror(env = process.env): Promise<string | undefined> {
  if (env.ARCHCOMPARE_TF_PLUGIN_MIRROR) {
    if (await isMirrorRoot(env.ARCHCOMPARE_TF_PLUGIN_MIRROR)) return env.ARCHCOMPARE_TF_PLUGIN_MIRROR;
    throw new UserError(
      `ARCHCOMPARE_TF_PLUGIN_MIRROR=${env.ARCHCOMPARE_TF_PLUGIN_MIRROR} holds no ${AWS_PROVIDER_DIR}`,
      'point it at the folder that contains registry.terraform.io, or unset it',
    );
  }
  const home = os.homedir();
  const fixed = [
    path.join(home, '.terraform.d', 'plugins'),
    path.join(home, '.local', 'share', 'terraform', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
  ];
  for (const dir of fixed) if (await isMirrorRoot(dir)) return dir;
  for (const base of ['/opt', '/usr/local/lib', '/srv']) {
    let entries: string[] = [];
    try {
      entries = await readdir(base);
    } catch {
      continue;
    }
    for (const e of entries) {
      const dir = path.join(base, e);
      if (await isMirrorRoot(dir)) return dir;
      if (await isMirrorRoot(path.join(dir, 'plugins'))) return path.join(dir, 'plugins');
    }
  }
  return undefined;
}

/**
 * The CLI config terraform runs with. A user's own TF_CLI_CONFIG_FILE (when it exists) wins; otherwise
 * a found mirror serves hashicorp providers and everything else comes from the registry.
 */
export async function terraformEnv(stateRoot: string, env = process.env): Promise<Record<string, string>> {
  const out: Record<string, string> = { TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
  if (env.TF_CLI_CONFIG_FILE) {
    try {
      await access(env.TF_CLI_CONFIG_FILE);
      return out;
    } catch {
      /* a dangling TF_CLI_CONFIG_FILE makes terraform warn on every call: replace it */
    }
  }
  const mirror = await findProviderMirror(env);
  if (!mirror) return out;
  const rc = path.join(stateRoot, 'terraformrc');
  await writeFile(
    rc,
    `# written by archcompare: providers from the local mirror found at ${mirror}\n` +
      `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/*"]\n  }\n` +
      `  direct {\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n`,
  );
  out.TF_CLI_CONFIG_FILE = rc;
  return out;
}

/** Every AWS service the two stacks call, pointed at one emulator endpoint (moto_server, LocalStack). */
const EMULATED_SERVICES = [
  'apigateway',
  'apigatewayv2',
  'autoscaling',
  'cloudwatch',
  'dynamodb',
  'ec2',
  'elb',
  'elbv2',
  'events',
  'iam',
  'kms',
  'lambda',
  'logs',
  'rds',
  's3',
  'secretsmanager',
  'sns',
  'sqs',
  'ssm',
  'sts',
];

/**
 * A Terraform override file (merged into the provider block) so the synthesized stack itself stays
 * the same whether it goes to AWS or to an emulator.
 */
export function endpointOverride(endpointUrl: string): Record<string, unknown> {
  return {
    provider: {
      aws: {
        endpoints: [Object.fromEntries(EMULATED_SERVICES.map((s) => [s, endpointUrl]))],
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: 'true',
        s3_use_path_style: true,
      },
    },
  };
}

export const ENDPOINT_OVERRIDE_FILE = 'archcompare_endpoint_override.tf.json';

export async function writeEndpointOverride(workdir: string, endpointUrl: string | undefined): Promise<void> {
  const file = path.join(workdir, ENDPOINT_OVERRIDE_FILE);
  if (!endpointUrl) {
    await writeFile(file, '{}\n');
    return;
  }
  await writeFile(file, JSON.stringify(endpointOverride(endpointUrl), null, 2) + '\n');
}

/** One machine-readable UI message of `terraform … -json`. */
export interface TerraformMessage {
  '@level': string;
  '@message': string;
  type: string;
  hook?: { resource?: { addr?: string }; action?: string; elapsed_seconds?: number };
  changes?: { add: number; change: number; remove: number; import?: number; operation: string };
  diagnostic?: { severity: string; summary: string; detail?: string; address?: string };
}

export interface TerraformEvents {
  onMessage?: (msg: TerraformMessage) => void;
  onLine?: (line: string) => void;
}

export class TerraformError extends UserError {
  constructor(
    readonly command: string,
    readonly diagnostics: string[],
    fix: string,
  ) {
    super(`terraform ${command} failed: ${diagnostics[0] ?? 'see the output above'}`, fix, 1);
  }
}

export interface TerraformRun {
  child: ResultPromise;
  done: Promise<void>;
}

/**
 * Runs one terraform command. Errors come back as a TerraformError carrying terraform's own
 * diagnostics (summary + detail), the most useful one first.
 */
export function runTerraform(
  bin: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string>; events?: TerraformEvents; fix: string },
): TerraformRun {
  const json = args.includes('-json');
  const child = execa(bin, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    reject: false,
    all: true,
    buffer: { all: true },
    stdin: 'ignore',
    // SIGINT is forwarded by the caller so terraform can stop cleanly and write its state.
    cleanup: false,
    killSignal: 'SIGINT',
  });
  const diagnostics: string[] = [];
  const rawErrors: string[] = [];
  child.stdout?.setEncoding('utf8');
  let pending = '';
  child.stdout?.on('data', (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      opts.events?.onLine?.(line);
      if (!json || !line.startsWith('{')) continue;
      try {
        const msg = JSON.parse(line) as TerraformMessage;
        if (msg.type === 'diagnostic' && msg.diagnostic?.severity === 'error') {
          const d = msg.diagnostic;
          diagnostics.push([d.address, d.summary, d.detail?.split('\n')[0]].filter(Boolean).join(': '));
        }
        opts.events?.onMessage?.(msg);
      } catch {
        /* a non-JSON line (provider stderr mixed in) */
      }
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    for (const l of chunk.split('\n')) if (l.trim()) rawErrors.push(l.replace(/\x1b\[[0-9;]*m/g, '').trim());
  });
  const done = child.then((result) => {
    if (result.exitCode === 0) return;
    if (result.signal || result.isTerminated) {
      throw new TerraformError(args[0] ?? '', [`interrupted (${result.signal ?? 'signal'})`], opts.fix);
    }
    const lines = diagnostics.length ? diagnostics : rawErrors.filter((l) => /error/i.test(l)).length ? rawErrors.filter((l) => /error/i.test(l)) : rawErrors;
    throw new TerraformError(args[0] ?? '', lines.length ? lines : [`exit code ${result.exitCode}`], opts.fix);
  });
  return { child, done };
}

export async function terraformOutputs(bin: string, cwd: string, env: Record<string, string>): Promise<Record<string, string>> {
  const r = await execa(bin, ['output', '-json'], { cwd, env: { ...process.env, ...env }, reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) return {};
  const parsed = JSON.parse(String(r.stdout || '{}')) as Record<string, { value: unknown; sensitive?: boolean }>;
  return Object.fromEntries(
    Object.entries(parsed)
      .filter(([, v]) => !v.sensitive)
      .map(([k, v]) => [k, typeof v.value === 'string' ? v.value : JSON.stringify(v.value)]),
  );
}
