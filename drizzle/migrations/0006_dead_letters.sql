CREATE TABLE "dead_letters" (
	"message_id" text PRIMARY KEY NOT NULL,
	"queue" text NOT NULL,
	"reason" text NOT NULL,
	"body" jsonb,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dead_letters" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
-- As 0004 for every table in public: the Data API's roles get nothing here.
REVOKE ALL ON TABLE "dead_letters" FROM anon, authenticated;
