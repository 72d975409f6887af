CREATE TABLE "site_usage_daily" (
	"site_id" uuid NOT NULL,
	"day" date NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"visitors" integer DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(16, 8) DEFAULT '0' NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "site_usage_daily_site_id_day_pk" PRIMARY KEY("site_id","day")
);
--> statement-breakpoint
ALTER TABLE "site_usage_daily" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
-- As 0004 for every table in public: the Data API's roles get nothing here.
REVOKE ALL ON TABLE "site_usage_daily" FROM anon, authenticated;
