// The audit's decision (scripts/audit.ts) on reports in npm audit's own JSON shape (report version
// 2, as `npm audit --json` prints it): a planted high advisory fails it, the allow-list lets a
// known one through only until its date, and moderate ones and those only inherited never block.
import { describe, expect, it } from 'vitest';
import { type AuditReport, blockingAdvisories } from './audit.ts';

// A production dependency with a known prototype-pollution advisory, as npm reports it.
const planted: AuditReport = {
  auditReportVersion: 2,
  vulnerabilities: {
    immer: {
      name: 'immer',
      severity: 'high',
      via: [
        {
          source: 1603,
          name: 'immer',
          title: 'Prototype Pollution',
          url: 'https://github.com/advisories/GHSA-33f9-j839-rf8h',
          severity: 'high',
          range: '<8.0.1',
        },
      ],
      fixAvailable: { name: 'immer', version: '8.0.1', isSemVerMajor: false },
    },
    'react-dev-utils': { name: 'react-dev-utils', severity: 'high', via: ['immer'], fixAvailable: true },
    'a-moderate-one': {
      name: 'a-moderate-one',
      severity: 'moderate',
      via: [
        {
          source: 2,
          name: 'a-moderate-one',
          title: 'Regular expression denial of service',
          url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
          severity: 'moderate',
          range: '<2',
        },
      ],
      fixAvailable: false,
    },
  },
};

describe('the dependency audit', () => {
  it('fails on a planted high advisory, naming its package, title, URL and fix, once', () => {
    expect(blockingAdvisories(planted, [], '2026-12-07')).toEqual([
      {
        package: 'immer',
        severity: 'high',
        title: 'Prototype Pollution',
        url: 'https://github.com/advisories/GHSA-33f9-j839-rf8h',
        fix: 'immer@8.0.1',
      },
    ]);
  });

  it('lets an allow-listed advisory through until its date, and not after', () => {
    const entry = {
      advisory: 'GHSA-33f9-j839-rf8h',
      package: 'immer',
      reason: 'not reachable from a Worker',
      until: '2026-12-31',
    };
    expect(blockingAdvisories(planted, [entry], '2026-12-07')).toEqual([]);
    expect(blockingAdvisories(planted, [entry], '2027-01-01')).toHaveLength(1);
    expect(blockingAdvisories(planted, [{ ...entry, package: 'other' }], '2026-12-07')).toHaveLength(1);
  });

  it('passes a report with nothing high or critical', () => {
    expect(blockingAdvisories({ auditReportVersion: 2, vulnerabilities: {} }, [], '2026-12-07')).toEqual([]);
  });
});
