-- Triggers declared beside the tables (src/platform/database/derived.ts): posts_content_version, users_post_count, posts_total.
DROP TRIGGER IF EXISTS "posts_content_version_on_insert" ON "posts";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "posts_content_version_on_delete" ON "posts";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "posts_content_version_on_update" ON "posts";
--> statement-breakpoint
DROP FUNCTION IF EXISTS "posts_content_version"();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "posts_content_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF EXISTS (SELECT 1 FROM "added" WHERE status = 'published') THEN UPDATE "counters" SET "value" = "value" + 1 WHERE "name" = 'content_version'; END IF;
  ELSIF TG_OP = 'DELETE' THEN
    IF EXISTS (SELECT 1 FROM "removed" WHERE status = 'published') THEN UPDATE "counters" SET "value" = "value" + 1 WHERE "name" = 'content_version'; END IF;
  ELSE
    IF EXISTS (SELECT 1 FROM "added" WHERE status = 'published') OR EXISTS (SELECT 1 FROM "removed" WHERE status = 'published') THEN UPDATE "counters" SET "value" = "value" + 1 WHERE "name" = 'content_version'; END IF;
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
DROP TRIGGER IF EXISTS "users_post_count_on_insert" ON "posts";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "users_post_count_on_delete" ON "posts";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "users_post_count_on_update" ON "posts";
--> statement-breakpoint
DROP FUNCTION IF EXISTS "users_post_count_count"();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "users_post_count_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE "users" SET "post_count" = "users"."post_count" + "change"."n"
      FROM (SELECT "user_id" AS "key", count(*) AS "n" FROM "added" WHERE status = 'published' GROUP BY "user_id") AS "change"
      WHERE "users"."id" = "change"."key";
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "users" SET "post_count" = "users"."post_count" - "change"."n"
      FROM (SELECT "user_id" AS "key", count(*) AS "n" FROM "removed" WHERE status = 'published' GROUP BY "user_id") AS "change"
      WHERE "users"."id" = "change"."key";
  ELSE
    UPDATE "users" SET "post_count" = "users"."post_count" + "change"."n"
      FROM (SELECT "key", sum("n") AS "n" FROM (
          SELECT "user_id" AS "key", 1 AS "n" FROM "added" WHERE status = 'published'
          UNION ALL SELECT "user_id", -1 FROM "removed" WHERE status = 'published') AS "moved"
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
CREATE TRIGGER "users_post_count_on_update" AFTER UPDATE ON "posts"
  REFERENCING OLD TABLE AS "removed" NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "users_post_count_count"();
--> statement-breakpoint
UPDATE "users" SET "post_count" = "fresh"."n"
  FROM (SELECT "users"."id", coalesce("counts"."n", 0) AS "n" FROM "users"
    LEFT JOIN (SELECT "user_id" AS "key", count(*) AS "n" FROM "posts" WHERE status = 'published' GROUP BY "user_id") AS "counts"
    ON "counts"."key" = "users"."id") AS "fresh"
  WHERE "users"."id" = "fresh"."id" AND "users"."post_count" <> "fresh"."n";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "posts_total_on_insert" ON "posts";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "posts_total_on_delete" ON "posts";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "posts_total_on_update" ON "posts";
--> statement-breakpoint
DROP FUNCTION IF EXISTS "posts_total_count"();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "posts_total_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE "counters" SET "value" = "value" + "change"."n" FROM (SELECT (SELECT count(*) FROM "added" WHERE status = 'published') AS "n") AS "change"
      WHERE "name" = 'posts' AND "change"."n" <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "counters" SET "value" = "value" + "change"."n" FROM (SELECT -(SELECT count(*) FROM "removed" WHERE status = 'published') AS "n") AS "change"
      WHERE "name" = 'posts' AND "change"."n" <> 0;
  ELSE
    UPDATE "counters" SET "value" = "value" + "change"."n" FROM (SELECT (SELECT count(*) FROM "added" WHERE status = 'published') - (SELECT count(*) FROM "removed" WHERE status = 'published') AS "n") AS "change"
      WHERE "name" = 'posts' AND "change"."n" <> 0;
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
CREATE TRIGGER "posts_total_on_update" AFTER UPDATE ON "posts"
  REFERENCING OLD TABLE AS "removed" NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "posts_total_count"();
--> statement-breakpoint
INSERT INTO "counters" ("name", "value") SELECT 'posts', count(*) FROM "posts" WHERE status = 'published'
  ON CONFLICT ("name") DO UPDATE SET "value" = EXCLUDED."value";
