-- Triggers declared beside the tables (src/platform/database/derived.ts): post_search_mirror_posts.
CREATE OR REPLACE FUNCTION "post_search_mirror_posts_fill"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT "date_posted", "status" INTO NEW."date_posted", NEW."status"
    FROM "posts" WHERE "id" = NEW."post_id" FOR SHARE;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER "post_search_mirror_posts_on_insert" BEFORE INSERT ON "post_search"
  FOR EACH ROW EXECUTE FUNCTION "post_search_mirror_posts_fill"();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "post_search_mirror_posts_follow"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "post_search" SET "date_posted" = "a"."date_posted", "status" = "a"."status"
    FROM "added" AS "a" JOIN "removed" AS "r" ON "a"."id" = "r"."id"
    WHERE "post_search"."post_id" = "a"."id" AND ("a"."date_posted", "a"."status") IS DISTINCT FROM ("r"."date_posted", "r"."status");
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "post_search_mirror_posts_on_update" AFTER UPDATE ON "posts"
  REFERENCING OLD TABLE AS "removed" NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "post_search_mirror_posts_follow"();
--> statement-breakpoint
UPDATE "post_search" SET "date_posted" = "o"."date_posted", "status" = "o"."status" FROM "posts" AS "o"
  WHERE "post_search"."post_id" = "o"."id" AND ("post_search"."date_posted", "post_search"."status") IS DISTINCT FROM ("o"."date_posted", "o"."status");
