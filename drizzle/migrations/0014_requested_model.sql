-- The model each reply was asked of, beside the model that answered it: they differ when the model
-- asked failed and its fallback answered. Written behind by the rooms; null for the rows before.
ALTER TABLE "messages" ADD COLUMN "requested_model" text;
