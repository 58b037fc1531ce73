import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { UserError } from './errors.js';

/**
 * Reads a user's YAML or JSON file (a config, a profile, fidelity overrides). A missing file or a
 * syntax error is one line naming the file (and the line) with the fix; validation is the caller's.
 */
export async function readDataFile(file: string, what: string, missingFix: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError(`${what} ${file} cannot be read`, missingFix);
  }
  const json = file.endsWith('.json');
  try {
    return (json ? JSON.parse(text) : parseYaml(text)) ?? {};
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` line ${err.linePos[0].line}` : '';
    const first = (err as Error).message.split('\n')[0];
    throw new UserError(`${what} ${file}:${where} is not valid ${json ? 'JSON' : 'YAML'} (${first})`, 'fix the syntax at that line');
  }
}
