ALTER TABLE "conversations" DROP CONSTRAINT "conversations_site_id_sites_id_fk";
--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "greeting" text;--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "visitor_requests_per_minute" integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_visitor_rate_check" CHECK ("sites"."visitor_requests_per_minute" between 1 and 600);