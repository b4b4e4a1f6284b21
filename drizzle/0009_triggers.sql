-- Triggers declared beside the tables (src/platform/database/derived.ts): users_followers, users_following, users_content_version.
CREATE OR REPLACE FUNCTION "users_followers_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE "users" SET "followers" = "users"."followers" + "change"."n"
      FROM (SELECT "followee_id" AS "key", count(*) AS "n" FROM "added" GROUP BY "followee_id") AS "change"
      WHERE "users"."id" = "change"."key";
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "users" SET "followers" = "users"."followers" - "change"."n"
      FROM (SELECT "followee_id" AS "key", count(*) AS "n" FROM "removed" GROUP BY "followee_id") AS "change"
      WHERE "users"."id" = "change"."key";
  ELSE
    UPDATE "users" SET "followers" = "users"."followers" + "change"."n"
      FROM (SELECT "key", sum("n") AS "n" FROM (
          SELECT "followee_id" AS "key", 1 AS "n" FROM "added"
          UNION ALL SELECT "followee_id", -1 FROM "removed") AS "moved"
        GROUP BY "key" HAVING sum("n") <> 0) AS "change"
      WHERE "users"."id" = "change"."key";
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "users_followers_on_insert" AFTER INSERT ON "follows"
  REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "users_followers_count"();
--> statement-breakpoint
CREATE TRIGGER "users_followers_on_delete" AFTER DELETE ON "follows"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION "users_followers_count"();
--> statement-breakpoint
UPDATE "users" SET "followers" = "fresh"."n"
  FROM (SELECT "users"."id", coalesce("counts"."n", 0) AS "n" FROM "users"
    LEFT JOIN (SELECT "followee_id" AS "key", count(*) AS "n" FROM "follows" GROUP BY "followee_id") AS "counts"
    ON "counts"."key" = "users"."id") AS "fresh"
  WHERE "users"."id" = "fresh"."id" AND "users"."followers" <> "fresh"."n";
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "users_following_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE "users" SET "following" = "users"."following" + "change"."n"
      FROM (SELECT "follower_id" AS "key", count(*) AS "n" FROM "added" GROUP BY "follower_id") AS "change"
      WHERE "users"."id" = "change"."key";
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "users" SET "following" = "users"."following" - "change"."n"
      FROM (SELECT "follower_id" AS "key", count(*) AS "n" FROM "removed" GROUP BY "follower_id") AS "change"
      WHERE "users"."id" = "change"."key";
  ELSE
    UPDATE "users" SET "following" = "users"."following" + "change"."n"
      FROM (SELECT "key", sum("n") AS "n" FROM (
          SELECT "follower_id" AS "key", 1 AS "n" FROM "added"
          UNION ALL SELECT "follower_id", -1 FROM "removed") AS "moved"
        GROUP BY "key" HAVING sum("n") <> 0) AS "change"
      WHERE "users"."id" = "change"."key";
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "users_following_on_insert" AFTER INSERT ON "follows"
  REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "users_following_count"();
--> statement-breakpoint
CREATE TRIGGER "users_following_on_delete" AFTER DELETE ON "follows"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION "users_following_count"();
--> statement-breakpoint
UPDATE "users" SET "following" = "fresh"."n"
  FROM (SELECT "users"."id", coalesce("counts"."n", 0) AS "n" FROM "users"
    LEFT JOIN (SELECT "follower_id" AS "key", count(*) AS "n" FROM "follows" GROUP BY "follower_id") AS "counts"
    ON "counts"."key" = "users"."id") AS "fresh"
  WHERE "users"."id" = "fresh"."id" AND "users"."following" <> "fresh"."n";
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
    IF EXISTS (SELECT 1 FROM "added" AS "a" JOIN "removed" AS "r" ON "a"."id" = "r"."id"
        WHERE ("a"."username", "a"."image_file", "a"."bio") IS DISTINCT FROM ("r"."username", "r"."image_file", "r"."bio")) THEN UPDATE "counters" SET "value" = "value" + 1 WHERE "name" = 'content_version'; END IF;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "users_content_version_on_update" AFTER UPDATE ON "users"
  REFERENCING OLD TABLE AS "removed" NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "users_content_version"();
--> statement-breakpoint
CREATE TRIGGER "users_content_version_on_delete" AFTER DELETE ON "users"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION "users_content_version"();
