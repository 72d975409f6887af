CREATE TABLE "invoices" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" uuid,
	"customer_id" text,
	"amount_paid" bigint NOT NULL,
	"currency" text NOT NULL,
	"paid_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invoices" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "refusals_daily" (
	"user_id" uuid NOT NULL,
	"day" date NOT NULL,
	"reason" text NOT NULL,
	"subject_type" text NOT NULL,
	"count" integer NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refusals_daily_user_id_day_reason_subject_type_pk" PRIMARY KEY("user_id","day","reason","subject_type")
);
--> statement-breakpoint
ALTER TABLE "refusals_daily" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "reply_timing_daily" (
	"day" date NOT NULL,
	"model" text NOT NULL,
	"version" text NOT NULL,
	"replies" integer NOT NULL,
	"errors" integer NOT NULL,
	"stopped" integer NOT NULL,
	"fallbacks" integer NOT NULL,
	"ttft_p50" integer,
	"ttft_p95" integer,
	"ttft_p99" integer,
	"duration_p50" integer NOT NULL,
	"duration_p95" integer NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reply_timing_daily_day_model_version_pk" PRIMARY KEY("day","model","version")
);
--> statement-breakpoint
ALTER TABLE "reply_timing_daily" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "reply_timings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"surface" text NOT NULL,
	"model" text NOT NULL,
	"answered_by" text NOT NULL,
	"status" text NOT NULL,
	"error_code" text,
	"ttft_ms" integer,
	"duration_ms" integer NOT NULL,
	"colo" text,
	"version" text NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reply_timings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tier_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"from_tier" text NOT NULL,
	"to_tier" text NOT NULL,
	"changed_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tier_changes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "reply_timings_created_idx" ON "reply_timings" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "reply_timings_occurred_idx" ON "reply_timings" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "tier_changes_changed_idx" ON "tier_changes" USING btree ("changed_at");--> statement-breakpoint
-- As 0004 for every table in public: the Data API's roles get nothing here.
REVOKE ALL ON TABLE "reply_timings", "reply_timing_daily", "refusals_daily", "invoices", "tier_changes" FROM anon, authenticated;--> statement-breakpoint
-- Every tier change, whoever makes it (a Stripe webhook, a customer forgotten, an enterprise
-- contract set by hand), lands in tier_changes: the operators' conversions. Security definer, so
-- the row is written whatever role changed the tier; the search path is pinned for it.
CREATE OR REPLACE FUNCTION public.record_tier_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO public.tier_changes (user_id, from_tier, to_tier) VALUES (NEW.id, OLD.tier, NEW.tier);
  RETURN NEW;
END;
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.record_tier_change() FROM PUBLIC, anon, authenticated;--> statement-breakpoint
CREATE TRIGGER profiles_tier_change AFTER UPDATE OF tier ON public.profiles
FOR EACH ROW WHEN (OLD.tier IS DISTINCT FROM NEW.tier) EXECUTE FUNCTION public.record_tier_change();
