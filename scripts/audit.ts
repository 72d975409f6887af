// The dependency audit of what ships: `npm audit --omit=dev --json` (production dependencies only)
// fails on any high or critical advisory not in security/audit-allowlist.json, naming each one,
// its package, the fix and the URL. Allow-list entries carry a reason and an `until` date, after
// which they no longer apply. When the advisory database cannot be asked (a registry mirror that
// refuses npm's audit endpoint, as on the development VM) it says so and exits 2: never a pass.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const BLOCKING = new Set(['high', 'critical']);

/** One advisory as `npm audit --json` (report version 2) gives it in a vulnerability's `via`. */
type Advisory = { source: number; name: string; title: string; url: string; severity: string; range: string };
type Vulnerability = {
  name: string;
  severity: string;
  via: Array<Advisory | string>;
  fixAvailable: boolean | { name: string; version: string; isSemVerMajor: boolean };
};
export type AuditReport = { auditReportVersion?: number; vulnerabilities?: Record<string, Vulnerability> };
export type AllowEntry = { advisory: string; package: string; reason: string; until: string };
export type Finding = { package: string; severity: string; title: string; url: string; fix: string };

/** The advisories that block: high or critical, found directly in a package (not only through another), not allowed today. */
export function blockingAdvisories(report: AuditReport, allowed: AllowEntry[], today: string): Finding[] {
  const live = allowed.filter((entry) => entry.until >= today);
  const findings: Finding[] = [];
  for (const vulnerability of Object.values(report.vulnerabilities ?? {})) {
    for (const via of vulnerability.via) {
      if (typeof via === 'string' || !BLOCKING.has(via.severity)) continue;
      const isAllowed = live.some((entry) => entry.package === via.name && via.url.endsWith(entry.advisory));
      if (isAllowed) continue;
      findings.push({
        package: via.name,
        severity: via.severity,
        title: via.title,
        url: via.url,
        fix: fixWords(vulnerability.fixAvailable),
      });
    }
  }
  return findings;
}

function fixWords(fix: Vulnerability['fixAvailable']): string {
  if (fix === true) return 'npm audit fix';
  if (fix === false) return 'no fix yet';
  return `${fix.name}@${fix.version}${fix.isSemVerMajor ? ' (a major upgrade)' : ''}`;
}

/** `npm audit`'s report, or why the advisory database could not be asked. */
function runAudit(cwd: string): AuditReport | { unreachable: string } {
  let output: string;
  try {
    output = execFileSync('npm', ['audit', '--omit=dev', '--json'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    // npm audit exits non-zero when it finds anything; its report is still on stdout.
    output = (error as { stdout?: string }).stdout ?? '';
  }
  let report: AuditReport & { message?: string };
  try {
    report = JSON.parse(output || '{}') as AuditReport & { message?: string };
  } catch {
    return { unreachable: `npm audit printed no JSON: ${output.slice(0, 200)}` };
  }
  if (report.vulnerabilities) return report;
  return { unreachable: report.message ?? 'npm audit gave no report' };
}

if (import.meta.main) {
  const root = process.argv[2] ?? process.cwd();
  const allowList = JSON.parse(readFileSync(join(root, 'security/audit-allowlist.json'), 'utf8')) as {
    allowed: AllowEntry[];
  };
  const result = runAudit(root);
  if ('unreachable' in result) {
    console.error(`audit: the advisory database could not be asked (${result.unreachable}); nothing was checked`);
    process.exit(2);
  }
  const findings = blockingAdvisories(result, allowList.allowed, new Date().toISOString().slice(0, 10));
  for (const f of findings) console.error(`audit: ${f.severity} in ${f.package}: ${f.title} (${f.url}); fix: ${f.fix}`);
  if (findings.length > 0) {
    console.error(
      `audit: ${findings.length} high or critical advisory(ies) in production dependencies; fix them or allow-list each with a reason`,
    );
    process.exit(1);
  }
  console.log(
    `audit: no high or critical advisory in production dependencies (${Object.keys(result.vulnerabilities ?? {}).length} lower)`,
  );
}
