DROP INDEX "posts_feed_idx";--> statement-breakpoint
DROP INDEX "posts_user_feed_idx";--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "status" varchar(10) DEFAULT 'published' NOT NULL;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "publish_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "description" varchar(300);--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "slug" varchar(80) DEFAULT 'post' NOT NULL;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "content_html" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "excerpt" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "reading_minutes" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "render_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "posts_published_feed_idx" ON "posts" USING btree ("date_posted" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE status = 'published';--> statement-breakpoint
CREATE INDEX "posts_author_status_idx" ON "posts" USING btree ("user_id","status","date_posted" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "posts_scheduled_idx" ON "posts" USING btree ("publish_at") WHERE status = 'scheduled';--> statement-breakpoint
CREATE INDEX "posts_render_version_idx" ON "posts" USING btree ("render_version");--> statement-breakpoint
ALTER TABLE "posts" ADD CONSTRAINT "posts_status" CHECK ("posts"."status" IN ('published', 'draft', 'scheduled'));--> statement-breakpoint
-- Posts written before Markdown show as the plain text they were (escaped, line breaks kept) until the
-- render job (src/posts/posts.service.ts) makes them again with the current renderer.
UPDATE "posts" SET
  "content_html" = '<p>' || replace(replace(replace(replace(replace("content", '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), E'\n', '<br>') || '</p>',
  "excerpt" = CASE WHEN length("content") <= 200 THEN regexp_replace("content", '\s+', ' ', 'g')
    ELSE left(regexp_replace("content", '\s+', ' ', 'g'), 200) || '…' END,
  "reading_minutes" = greatest(1, round(coalesce(array_length(regexp_split_to_array(trim("content"), '\s+'), 1), 0) / 220.0)),
  "slug" = coalesce(nullif(trim(both '-' from left(lower(regexp_replace(coalesce(nullif(trim("title"), ''), left("content", 60)), '[^A-Za-z0-9]+', '-', 'g')), 80)), ''), 'post');
