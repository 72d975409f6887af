-- Abuse limits a site's owner sets (issue 23): widget sessions a minute from one IP address, conversations
-- an hour per visitor, and tokens a UTC day for the whole site. Their counters live in Durable Objects
-- (the Site object and the owner's Limiter); these columns are only the owner's settings.
ALTER TABLE "sites" ADD COLUMN "sessions_per_ip_per_minute" integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "conversations_per_visitor_per_hour" integer DEFAULT 20 NOT NULL;--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "daily_token_budget" integer DEFAULT 200000 NOT NULL;--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_sessions_per_ip_check" CHECK ("sites"."sessions_per_ip_per_minute" between 1 and 1000);--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_conversations_per_visitor_check" CHECK ("sites"."conversations_per_visitor_per_hour" between 1 and 1000);--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_daily_token_budget_check" CHECK ("sites"."daily_token_budget" between 1000 and 1000000000);