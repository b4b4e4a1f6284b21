-- Triggers declared beside the tables (src/platform/database/derived.ts): comments_content_version, posts_comments.
CREATE OR REPLACE FUNCTION "comments_content_version"() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER "comments_content_version_on_insert" AFTER INSERT ON "comments"
  REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "comments_content_version"();
--> statement-breakpoint
CREATE TRIGGER "comments_content_version_on_update" AFTER UPDATE ON "comments"
  REFERENCING OLD TABLE AS "removed" NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "comments_content_version"();
--> statement-breakpoint
CREATE TRIGGER "comments_content_version_on_delete" AFTER DELETE ON "comments"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION "comments_content_version"();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "posts_comments_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE "posts" SET "comments" = "posts"."comments" + "change"."n"
      FROM (SELECT "post_id" AS "key", count(*) AS "n" FROM "added" GROUP BY "post_id") AS "change"
      WHERE "posts"."id" = "change"."key";
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "posts" SET "comments" = "posts"."comments" - "change"."n"
      FROM (SELECT "post_id" AS "key", count(*) AS "n" FROM "removed" GROUP BY "post_id") AS "change"
      WHERE "posts"."id" = "change"."key";
  ELSE
    UPDATE "posts" SET "comments" = "posts"."comments" + "change"."n"
      FROM (SELECT "key", sum("n") AS "n" FROM (
          SELECT "post_id" AS "key", 1 AS "n" FROM "added"
          UNION ALL SELECT "post_id", -1 FROM "removed") AS "moved"
        GROUP BY "key" HAVING sum("n") <> 0) AS "change"
      WHERE "posts"."id" = "change"."key";
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "posts_comments_on_insert" AFTER INSERT ON "comments"
  REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "posts_comments_count"();
--> statement-breakpoint
CREATE TRIGGER "posts_comments_on_delete" AFTER DELETE ON "comments"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION "posts_comments_count"();
--> statement-breakpoint
UPDATE "posts" SET "comments" = "fresh"."n"
  FROM (SELECT "posts"."id", coalesce("counts"."n", 0) AS "n" FROM "posts"
    LEFT JOIN (SELECT "post_id" AS "key", count(*) AS "n" FROM "comments" GROUP BY "post_id") AS "counts"
    ON "counts"."key" = "posts"."id") AS "fresh"
  WHERE "posts"."id" = "fresh"."id" AND "posts"."comments" <> "fresh"."n";
