-- Account-wide custom instructions (the user's Limiter keeps a copy: replies never read them here),
-- and a conversation's temperature and longest reply (null: the model's default, the most allowed).
ALTER TABLE "conversations" ADD COLUMN "temperature" real;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "max_reply_tokens" integer;--> statement-breakpoint
ALTER TABLE "profiles" ADD COLUMN "custom_instructions" text;--> statement-breakpoint
ALTER TABLE "profiles" ADD COLUMN "custom_instructions_updated_at" timestamp (3) with time zone;