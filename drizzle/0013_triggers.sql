-- Triggers declared beside the tables (src/platform/database/derived.ts): post_search_mirror_posts, post_tags_mirror_posts, users_content_version.
DROP TRIGGER IF EXISTS "post_search_mirror_posts_on_insert" ON "post_search";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "post_search_mirror_posts_on_update" ON "posts";
--> statement-breakpoint
DROP FUNCTION IF EXISTS "post_search_mirror_posts_fill"();
--> statement-breakpoint
DROP FUNCTION IF EXISTS "post_search_mirror_posts_follow"();
--> statement-breakpoint
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
  -- The changed rows by a set difference (see shownOnPages), then the copies by their index.
  UPDATE "post_search" SET "date_posted" = "a"."date_posted", "status" = "a"."status"
    FROM (SELECT "id", "date_posted", "status" FROM "added"
          EXCEPT SELECT "id", "date_posted", "status" FROM "removed") AS "a"
    WHERE "post_search"."post_id" = "a"."id";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "post_search_mirror_posts_on_update" AFTER UPDATE ON "posts"
  REFERENCING OLD TABLE AS "removed" NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "post_search_mirror_posts_follow"();
--> statement-breakpoint
UPDATE "post_search" SET "date_posted" = "o"."date_posted", "status" = "o"."status" FROM "posts" AS "o"
  WHERE "post_search"."post_id" = "o"."id" AND ("post_search"."date_posted", "post_search"."status") IS DISTINCT FROM ("o"."date_posted", "o"."status");
--> statement-breakpoint
DROP TRIGGER IF EXISTS "post_tags_mirror_posts_on_insert" ON "post_tags";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "post_tags_mirror_posts_on_update" ON "posts";
--> statement-breakpoint
DROP FUNCTION IF EXISTS "post_tags_mirror_posts_fill"();
--> statement-breakpoint
DROP FUNCTION IF EXISTS "post_tags_mirror_posts_follow"();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "post_tags_mirror_posts_fill"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT "date_posted", "status" INTO NEW."date_posted", NEW."status"
    FROM "posts" WHERE "id" = NEW."post_id" FOR SHARE;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER "post_tags_mirror_posts_on_insert" BEFORE INSERT ON "post_tags"
  FOR EACH ROW EXECUTE FUNCTION "post_tags_mirror_posts_fill"();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "post_tags_mirror_posts_follow"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The changed rows by a set difference (see shownOnPages), then the copies by their index.
  UPDATE "post_tags" SET "date_posted" = "a"."date_posted", "status" = "a"."status"
    FROM (SELECT "id", "date_posted", "status" FROM "added"
          EXCEPT SELECT "id", "date_posted", "status" FROM "removed") AS "a"
    WHERE "post_tags"."post_id" = "a"."id";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "post_tags_mirror_posts_on_update" AFTER UPDATE ON "posts"
  REFERENCING OLD TABLE AS "removed" NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "post_tags_mirror_posts_follow"();
--> statement-breakpoint
UPDATE "post_tags" SET "date_posted" = "o"."date_posted", "status" = "o"."status" FROM "posts" AS "o"
  WHERE "post_tags"."post_id" = "o"."id" AND ("post_tags"."date_posted", "post_tags"."status") IS DISTINCT FROM ("o"."date_posted", "o"."status");
--> statement-breakpoint
DROP TRIGGER IF EXISTS "users_content_version_on_insert" ON "users";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "users_content_version_on_delete" ON "users";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "users_content_version_on_update" ON "users";
--> statement-breakpoint
DROP FUNCTION IF EXISTS "users_content_version"();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "users_content_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF EXISTS (SELECT 1 FROM "added") THEN UPDATE "counters" SET "value" = "value" + 1 WHERE "name" = 'content_version'; END IF;
  ELSIF TG_OP = 'DELETE' THEN
    IF EXISTS (SELECT 1 FROM "removed") THEN UPDATE "counters" SET "value" = "value" + 1 WHERE "name" = 'content_version'; END IF;
  ELSE
    IF EXISTS (SELECT "id", "username", "image_file", "bio" FROM "added" EXCEPT SELECT "id", "username", "image_file", "bio" FROM "removed") THEN UPDATE "counters" SET "value" = "value" + 1 WHERE "name" = 'content_version'; END IF;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "users_content_version_on_update" AFTER UPDATE ON "users"
  REFERENCING OLD TABLE AS "removed" NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "users_content_version"();
--> statement-breakpoint
CREATE TRIGGER "users_content_version_on_delete" AFTER DELETE ON "users"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION "users_content_version"();
