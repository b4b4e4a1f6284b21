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
CREATE TABLE "post_tags" (
	"post_id" integer NOT NULL,
	"tag_id" integer NOT NULL,
	"position" smallint NOT NULL,
	"date_posted" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"status" varchar(10) DEFAULT 'draft' NOT NULL,
	CONSTRAINT "post_tags_post_id_tag_id_pk" PRIMARY KEY("post_id","tag_id")
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" varchar(30) NOT NULL,
	"posts" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "post_search" ADD CONSTRAINT "post_search_post_id_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_tags" ADD CONSTRAINT "post_tags_post_id_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_tags" ADD CONSTRAINT "post_tags_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "post_search_document_idx" ON "post_search" USING gin ("document") WHERE status = 'published';--> statement-breakpoint
CREATE INDEX "post_search_newest_idx" ON "post_search" USING btree ("date_posted" DESC NULLS FIRST,"post_id" DESC NULLS FIRST) WHERE status = 'published';--> statement-breakpoint
CREATE INDEX "post_tags_feed_idx" ON "post_tags" USING btree ("tag_id","date_posted" DESC NULLS FIRST,"post_id" DESC NULLS FIRST) WHERE status = 'published';--> statement-breakpoint
CREATE UNIQUE INDEX "tags_name_idx" ON "tags" USING btree ("name" varchar_pattern_ops);--> statement-breakpoint
CREATE INDEX "tags_popular_idx" ON "tags" USING btree ("posts" DESC NULLS FIRST,"name") WHERE "tags"."posts" > 0;