// The words of the email that tells an owner a plan change switched their sites' models: which
// site, from which model to which, why, and what they can do.
import type { Tier } from '../../drizzle/schema.ts';
import { paragraphs } from './html.ts';

export type SiteModelChange = { site: string; from: string; to: string };

/** Subject, plain text and HTML for the sites one plan change switched (models by name). */
export function siteModelChangedEmail(
  tier: Tier,
  changes: SiteModelChange[],
  sitesUrl: string,
): { subject: string; text: string; html: string } {
  const one = changes.length === 1;
  const subject = one
    ? `The chat on your site “${changes[0]!.site}” now uses ${changes[0]!.to}`
    : `The chat on ${changes.length} of your sites now uses another model`;
  const lines = [
    `Your Parley plan is now ${tier}, and it does not include the model ${one ? 'your site was' : 'these sites were'} using, so visitors would have been refused. ${one ? 'It now uses' : 'They now use'} a model your plan includes:`,
    '',
    ...changes.map((c) => `${c.site}: ${c.to} (was ${c.from})`),
    '',
    `Visitors keep chatting without interruption. To choose another model, or to go back after upgrading, edit the site on the Sites page: ${sitesUrl}`,
  ];
  const text = `${lines.join('\n')}\n`;
  const html = paragraphs(lines);
  return { subject, text, html };
}
