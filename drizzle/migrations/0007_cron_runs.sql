CREATE TABLE "cron_runs" (
	"job" text PRIMARY KEY NOT NULL,
	"cron" text NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"ok" boolean NOT NULL,
	"outcome" jsonb
);
--> statement-breakpoint
ALTER TABLE "cron_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
-- As 0004 for every table in public: the Data API's roles get nothing here.
REVOKE ALL ON TABLE "cron_runs" FROM anon, authenticated;
