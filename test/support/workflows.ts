import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from './cli.js';

export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples', 'github-actions');

interface WorkflowStep {
  name?: string;
  run?: string;
  if?: string;
}

export interface ArchcompareStep {
  job: string;
  step: string;
  /** Runs even when an earlier step failed (`if: always()`). */
  always: boolean;
  /** The archcompare arguments, shell-split, with $VAR / "$VAR" / ${{ … }} replaced from `vars`. */
  argv: string[];
}

/** Splits a shell command line the way bash would for these simple lines: quotes, and variables from `vars`. */
export function shellWords(line: string, vars: Record<string, string>): string[] {
  const expanded = line.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    if (!(expr in vars)) throw new Error(`no test value for \${{ ${expr} }}`);
    return vars[expr]!;
  });
  const words: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  let started = false;
  for (let i = 0; i < expanded.length; i += 1) {
    const ch = expanded[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '$' && quote === '"') {
        const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(expanded.slice(i + 1))?.[0];
        if (!name) current += ch;
        else {
          if (!(name in vars)) throw new Error(`no test value for $${name}`);
          current += vars[name];
          i += name.length;
        }
      } else current += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) words.push(current);
      current = '';
      started = false;
    } else if (ch === '$') {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(expanded.slice(i + 1))?.[0];
      if (!name || !(name in vars)) throw new Error(`no test value for $${name ?? ''}`);
      current += vars[name];
      i += name.length;
      started = true;
    } else {
      current += ch;
      started = true;
    }
  }
  if (started) words.push(current);
  return words;
}

export function readWorkflow(file: string): { text: string; json: { env?: Record<string, string>; jobs: Record<string, { steps: WorkflowStep[] }> } } {
  const text = readFileSync(path.join(EXAMPLES_DIR, file), 'utf8');
  return { text, json: parseYaml(text) };
}

/** Every `npx archcompare …` a workflow runs, in order, with the test's values for its variables. */
export function archcompareSteps(file: string, vars: Record<string, string>): ArchcompareStep[] {
  const { json } = readWorkflow(file);
  const steps: ArchcompareStep[] = [];
  for (const [job, { steps: list }] of Object.entries(json.jobs)) {
    for (const s of list) {
      const line = s.run?.split('\n').find((l) => /\bnpx archcompare\b/.test(l));
      if (!line) continue;
      const words = shellWords(line.trim(), vars);
      steps.push({ job, step: s.name ?? line, always: /always\(\)/.test(s.if ?? ''), argv: words.slice(words.indexOf('archcompare') + 1) });
    }
  }
  return steps;
}
