-- Triggers declared beside the tables (src/platform/database/derived.ts): users_follows_version.
CREATE OR REPLACE FUNCTION "users_follows_version_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE "users" SET "follows_version" = "users"."follows_version" + 1
      WHERE "users"."id" IN (SELECT "follower_id" FROM "added");
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "users" SET "follows_version" = "users"."follows_version" + 1
      WHERE "users"."id" IN (SELECT "follower_id" FROM "removed");
  ELSE
    UPDATE "users" SET "follows_version" = "users"."follows_version" + 1
      WHERE "users"."id" IN (SELECT "follower_id" FROM (SELECT * FROM "added" UNION ALL SELECT * FROM "removed") AS "moved");
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "users_follows_version_on_insert" AFTER INSERT ON "follows"
  REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "users_follows_version_bump"();
--> statement-breakpoint
CREATE TRIGGER "users_follows_version_on_delete" AFTER DELETE ON "follows"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION "users_follows_version_bump"();
--> statement-breakpoint
CREATE TRIGGER "users_follows_version_on_update" AFTER UPDATE ON "follows"
  REFERENCING OLD TABLE AS "removed" NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "users_follows_version_bump"();
