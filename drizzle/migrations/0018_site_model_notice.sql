-- Why a plan change switched a site's model (issue 23): {from, to, tier, at}, shown on the Sites page
-- until the owner chooses a model; null when there is nothing to say.
ALTER TABLE "sites" ADD COLUMN "model_notice" jsonb;--> statement-breakpoint
-- Reads of "sites" are granted per column since 0016 (its Turnstile secret is the Worker's only).
GRANT SELECT ("model_notice") ON TABLE "sites" TO authenticated;
