// The words of the quota warning email: how much is used, the limit, when it resets, what to do.
import type { Tier } from '../../drizzle/schema.ts';
import { paragraphs } from './html.ts';
import { TIER_LIMITS } from '../usage/tiers.ts';

export type QuotaWarning = {
  threshold: number;
  used: number;
  limit: number;
  resetsAt: Date;
  tier: Tier;
  custom: boolean;
};

const tokens = (n: number) => n.toLocaleString('en-US');
const day = (d: Date) =>
  d.toLocaleDateString('en-US', { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' });

/** Subject, plain text and HTML of the warning for one crossed threshold (80, 90 or 100 percent). */
export function quotaWarningEmail(w: QuotaWarning): { subject: string; text: string; html: string } {
  const percent = w.limit > 0 ? Math.floor((w.used * 100) / w.limit) : 100;
  const reached = w.threshold >= 100;
  const subject = reached
    ? 'You have used all of your Parley tokens for this month'
    : `You have used ${w.threshold}% of your Parley tokens for this month`;
  const resets = `${day(w.resetsAt)} at 00:00 UTC`;
  const lines = [
    reached
      ? 'You have reached your monthly token quota on Parley. New replies will be refused until it resets.'
      : `You have used ${w.threshold}% of your monthly token quota on Parley.`,
    '',
    `Used this month: ${tokens(w.used)} tokens (${percent}%)`,
    `Monthly limit: ${tokens(w.limit)} tokens (input plus output)`,
    `Resets: ${resets}`,
    '',
    upgradeAdvice(w),
  ];
  const text = `${lines.join('\n')}\n`;
  const html = paragraphs(lines);
  return { subject, text, html };
}

function upgradeAdvice(w: QuotaWarning): string {
  if (w.tier === 'free' && !w.custom) {
    const pro = TIER_LIMITS.pro.monthlyTokens;
    return `To keep going, upgrade to Pro from your account in Parley: ${pro === null ? 'unlimited' : tokens(pro)} tokens a month and every model.`;
  }
  return 'If you need more, reply to this email and we will talk about a larger plan.';
}
