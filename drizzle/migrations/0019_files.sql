-- Files and vision (issue 24): each user's uploaded files (a copy of their Limiter's catalogue,
-- written behind; the bytes are in R2), and the files each user message carries.
CREATE TABLE "files" (
	"id" text NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"media_type" text NOT NULL,
	"kind" text NOT NULL,
	"size" bigint NOT NULL,
	"conversation_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "files_user_id_id_pk" PRIMARY KEY("user_id","id")
);
--> statement-breakpoint
ALTER TABLE "files" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "attachments" jsonb;--> statement-breakpoint
ALTER TABLE "files" ADD CONSTRAINT "files_user_id_profiles_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."profiles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "files_unattached_idx" ON "files" USING btree ("created_at") WHERE conversation_id is null;--> statement-breakpoint
CREATE INDEX "files_conversation_idx" ON "files" USING btree ("conversation_id");--> statement-breakpoint
CREATE POLICY "files_owner_select" ON "files" AS PERMISSIVE FOR SELECT TO "authenticated" USING ("user_id" = (select auth.uid()));;--> statement-breakpoint
-- As 0004 for every table in public: a signed-in user reads their own files (RLS above) and writes
-- nothing; the Worker, as the owner, writes them behind.
REVOKE ALL ON TABLE "files" FROM anon, authenticated;--> statement-breakpoint
GRANT SELECT ON TABLE "files" TO authenticated;
