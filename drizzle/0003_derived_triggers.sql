-- Triggers declared beside the tables (src/platform/database/derived.ts): posts_likes, posts_content_version, users_post_count, posts_total, users_content_version.
-- The hand-written triggers of 0001 and 0002 give way to the declared ones below.
DROP TRIGGER IF EXISTS "posts_count_insert" ON "posts";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "posts_count_delete" ON "posts";
--> statement-breakpoint
DROP FUNCTION IF EXISTS "posts_count_added"();
--> statement-breakpoint
DROP FUNCTION IF EXISTS "posts_count_removed"();
--> statement-breakpoint
DROP TRIGGER IF EXISTS "post_likes_count_insert" ON "post_likes";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "post_likes_count_delete" ON "post_likes";
--> statement-breakpoint
DROP FUNCTION IF EXISTS "post_likes_count_added"();
--> statement-breakpoint
DROP FUNCTION IF EXISTS "post_likes_count_removed"();
--> statement-breakpoint
DROP TRIGGER IF EXISTS "posts_content_version" ON "posts";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "users_content_version" ON "users";
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "posts_likes_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE "posts" SET "likes" = "posts"."likes" + "change"."n"
      FROM (SELECT "post_id" AS "key", count(*) AS "n" FROM "added" GROUP BY "post_id") AS "change"
      WHERE "posts"."id" = "change"."key";
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "posts" SET "likes" = "posts"."likes" - "change"."n"
      FROM (SELECT "post_id" AS "key", count(*) AS "n" FROM "removed" GROUP BY "post_id") AS "change"
      WHERE "posts"."id" = "change"."key";
  ELSE
    UPDATE "posts" SET "likes" = "posts"."likes" + "change"."n"
      FROM (SELECT "key", sum("n") AS "n" FROM (
          SELECT "post_id" AS "key", 1 AS "n" FROM "added"
          UNION ALL SELECT "post_id", -1 FROM "removed") AS "moved"
        GROUP BY "key" HAVING sum("n") <> 0) AS "change"
      WHERE "posts"."id" = "change"."key";
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "posts_likes_on_insert" AFTER INSERT ON "post_likes"
  REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "posts_likes_count"();
--> statement-breakpoint
CREATE TRIGGER "posts_likes_on_delete" AFTER DELETE ON "post_likes"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION "posts_likes_count"();
--> statement-breakpoint
UPDATE "posts" SET "likes" = "fresh"."n"
  FROM (SELECT "posts"."id", coalesce("counts"."n", 0) AS "n" FROM "posts"
    LEFT JOIN (SELECT "post_id" AS "key", count(*) AS "n" FROM "post_likes" GROUP BY "post_id") AS "counts"
    ON "counts"."key" = "posts"."id") AS "fresh"
  WHERE "posts"."id" = "fresh"."id" AND "posts"."likes" <> "fresh"."n";
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "posts_content_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF EXISTS (SELECT 1 FROM "added") THEN UPDATE "counters" SET "value" = "value" + 1 WHERE "name" = 'content_version'; END IF;
  ELSIF TG_OP = 'DELETE' THEN
    IF EXISTS (SELECT 1 FROM "removed") THEN UPDATE "counters" SET "value" = "value" + 1 WHERE "name" = 'content_version'; END IF;
  ELSE
    IF EXISTS (SELECT 1 FROM "added") THEN UPDATE "counters" SET "value" = "value" + 1 WHERE "name" = 'content_version'; END IF;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "posts_content_version_on_insert" AFTER INSERT ON "posts"
  REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "posts_content_version"();
--> statement-breakpoint
CREATE TRIGGER "posts_content_version_on_update" AFTER UPDATE ON "posts"
  REFERENCING OLD TABLE AS "removed" NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "posts_content_version"();
--> statement-breakpoint
CREATE TRIGGER "posts_content_version_on_delete" AFTER DELETE ON "posts"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION "posts_content_version"();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "users_post_count_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE "users" SET "post_count" = "users"."post_count" + "change"."n"
      FROM (SELECT "user_id" AS "key", count(*) AS "n" FROM "added" GROUP BY "user_id") AS "change"
      WHERE "users"."id" = "change"."key";
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "users" SET "post_count" = "users"."post_count" - "change"."n"
      FROM (SELECT "user_id" AS "key", count(*) AS "n" FROM "removed" GROUP BY "user_id") AS "change"
      WHERE "users"."id" = "change"."key";
  ELSE
    UPDATE "users" SET "post_count" = "users"."post_count" + "change"."n"
      FROM (SELECT "key", sum("n") AS "n" FROM (
          SELECT "user_id" AS "key", 1 AS "n" FROM "added"
          UNION ALL SELECT "user_id", -1 FROM "removed") AS "moved"
        GROUP BY "key" HAVING sum("n") <> 0) AS "change"
      WHERE "users"."id" = "change"."key";
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "users_post_count_on_insert" AFTER INSERT ON "posts"
  REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "users_post_count_count"();
--> statement-breakpoint
CREATE TRIGGER "users_post_count_on_delete" AFTER DELETE ON "posts"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION "users_post_count_count"();
--> statement-breakpoint
UPDATE "users" SET "post_count" = "fresh"."n"
  FROM (SELECT "users"."id", coalesce("counts"."n", 0) AS "n" FROM "users"
    LEFT JOIN (SELECT "user_id" AS "key", count(*) AS "n" FROM "posts" GROUP BY "user_id") AS "counts"
    ON "counts"."key" = "users"."id") AS "fresh"
  WHERE "users"."id" = "fresh"."id" AND "users"."post_count" <> "fresh"."n";
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "posts_total_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE "counters" SET "value" = "value" + (SELECT count(*) FROM "added") WHERE "name" = 'posts';
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "counters" SET "value" = "value" - (SELECT count(*) FROM "removed") WHERE "name" = 'posts';
  ELSE
    UPDATE "counters" SET "value" = "value"
      + (SELECT count(*) FROM "added") - (SELECT count(*) FROM "removed") WHERE "name" = 'posts';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "posts_total_on_insert" AFTER INSERT ON "posts"
  REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "posts_total_count"();
--> statement-breakpoint
CREATE TRIGGER "posts_total_on_delete" AFTER DELETE ON "posts"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION "posts_total_count"();
--> statement-breakpoint
INSERT INTO "counters" ("name", "value") SELECT 'posts', count(*) FROM "posts"
  ON CONFLICT ("name") DO UPDATE SET "value" = EXCLUDED."value";
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "users_content_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF EXISTS (SELECT 1 FROM "added") THEN UPDATE "counters" SET "value" = "value" + 1 WHERE "name" = 'content_version'; END IF;
  ELSIF TG_OP = 'DELETE' THEN
    IF EXISTS (SELECT 1 FROM "removed") THEN UPDATE "counters" SET "value" = "value" + 1 WHERE "name" = 'content_version'; END IF;
  ELSE
    IF EXISTS (SELECT 1 FROM "added" AS "a" JOIN "removed" AS "r" ON "a"."id" = "r"."id"
        WHERE ("a"."username", "a"."image_file") IS DISTINCT FROM ("r"."username", "r"."image_file")) THEN UPDATE "counters" SET "value" = "value" + 1 WHERE "name" = 'content_version'; END IF;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "users_content_version_on_update" AFTER UPDATE ON "users"
  REFERENCING OLD TABLE AS "removed" NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "users_content_version"();
--> statement-breakpoint
CREATE TRIGGER "users_content_version_on_delete" AFTER DELETE ON "users"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION "users_content_version"();
