ALTER TABLE "posts" ADD COLUMN "updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- Posts written before this column kept no time of their last change: they count as unchanged since
-- they were posted.
UPDATE "posts" SET "updated_at" = "date_posted";
