import { existsSync, readFileSync } from 'node:fs';

/** Reads a dotenv-style file (`.dev.vars`): KEY=value lines, # comments, optional quotes. */
export function readDevVars(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const vars: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const match = line.match(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/);
    if (!match) continue;
    const value = match[2]!.replace(/^(['"])(.*)\1$/, '$2');
    if (value !== '') vars[match[1]!] = value;
  }
  return vars;
}
