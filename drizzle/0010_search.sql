CREATE TABLE "post_search" (
	"post_id" integer PRIMARY KEY NOT NULL,
	"date_posted" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"status" varchar(10) DEFAULT 'draft' NOT NULL,
	"language" "regconfig" NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"document" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector("language", coalesce("title", '')), 'A') || setweight(to_tsvector("language", coalesce("summary", '')), 'B') || setweight(to_tsvector("language", coalesce("body", '')), 'C')) STORED NOT NULL
);
--> statement-breakpoint
ALTER TABLE "post_search" ADD CONSTRAINT "post_search_post_id_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "post_search_document_idx" ON "post_search" USING gin ("document") WHERE status = 'published';--> statement-breakpoint
CREATE INDEX "post_search_newest_idx" ON "post_search" USING btree ("date_posted" DESC NULLS FIRST,"post_id" DESC NULLS FIRST) WHERE status = 'published';