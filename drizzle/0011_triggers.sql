-- Triggers declared beside the tables (src/platform/database/derived.ts): post_search_mirror_posts, post_tags_mirror_posts, post_tags_content_version, tags_posts.
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
  UPDATE "post_tags" SET "date_posted" = "a"."date_posted", "status" = "a"."status"
    FROM "added" AS "a" JOIN "removed" AS "r" ON "a"."id" = "r"."id"
    WHERE "post_tags"."post_id" = "a"."id" AND ("a"."date_posted", "a"."status") IS DISTINCT FROM ("r"."date_posted", "r"."status");
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "post_tags_mirror_posts_on_update" AFTER UPDATE ON "posts"
  REFERENCING OLD TABLE AS "removed" NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "post_tags_mirror_posts_follow"();
--> statement-breakpoint
UPDATE "post_tags" SET "date_posted" = "o"."date_posted", "status" = "o"."status" FROM "posts" AS "o"
  WHERE "post_tags"."post_id" = "o"."id" AND ("post_tags"."date_posted", "post_tags"."status") IS DISTINCT FROM ("o"."date_posted", "o"."status");
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "post_tags_content_version"() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER "post_tags_content_version_on_insert" AFTER INSERT ON "post_tags"
  REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "post_tags_content_version"();
--> statement-breakpoint
CREATE TRIGGER "post_tags_content_version_on_update" AFTER UPDATE ON "post_tags"
  REFERENCING OLD TABLE AS "removed" NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "post_tags_content_version"();
--> statement-breakpoint
CREATE TRIGGER "post_tags_content_version_on_delete" AFTER DELETE ON "post_tags"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION "post_tags_content_version"();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "tags_posts_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE "tags" SET "posts" = "tags"."posts" + "change"."n"
      FROM (SELECT "tag_id" AS "key", count(*) AS "n" FROM "added" WHERE status = 'published' GROUP BY "tag_id") AS "change"
      WHERE "tags"."id" = "change"."key";
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "tags" SET "posts" = "tags"."posts" - "change"."n"
      FROM (SELECT "tag_id" AS "key", count(*) AS "n" FROM "removed" WHERE status = 'published' GROUP BY "tag_id") AS "change"
      WHERE "tags"."id" = "change"."key";
  ELSE
    UPDATE "tags" SET "posts" = "tags"."posts" + "change"."n"
      FROM (SELECT "key", sum("n") AS "n" FROM (
          SELECT "tag_id" AS "key", 1 AS "n" FROM "added" WHERE status = 'published'
          UNION ALL SELECT "tag_id", -1 FROM "removed" WHERE status = 'published') AS "moved"
        GROUP BY "key" HAVING sum("n") <> 0) AS "change"
      WHERE "tags"."id" = "change"."key";
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "tags_posts_on_insert" AFTER INSERT ON "post_tags"
  REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "tags_posts_count"();
--> statement-breakpoint
CREATE TRIGGER "tags_posts_on_delete" AFTER DELETE ON "post_tags"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION "tags_posts_count"();
--> statement-breakpoint
CREATE TRIGGER "tags_posts_on_update" AFTER UPDATE ON "post_tags"
  REFERENCING OLD TABLE AS "removed" NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "tags_posts_count"();
--> statement-breakpoint
UPDATE "tags" SET "posts" = "fresh"."n"
  FROM (SELECT "tags"."id", coalesce("counts"."n", 0) AS "n" FROM "tags"
    LEFT JOIN (SELECT "tag_id" AS "key", count(*) AS "n" FROM "post_tags" WHERE status = 'published' GROUP BY "tag_id") AS "counts"
    ON "counts"."key" = "tags"."id") AS "fresh"
  WHERE "tags"."id" = "fresh"."id" AND "tags"."posts" <> "fresh"."n";
