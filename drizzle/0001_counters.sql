-- Totals for pagination, kept in the same transaction as the change that moves them, so reading a
-- total costs one indexed row instead of a count over the whole table. Statement-level triggers with
-- transition tables do one update per statement, including the cascades of a user's deletion.
INSERT INTO "counters" ("name", "value") SELECT 'posts', count(*) FROM "posts";
--> statement-breakpoint
CREATE FUNCTION "posts_count_added"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "counters" SET "value" = "value" + (SELECT count(*) FROM "added") WHERE "name" = 'posts';
  UPDATE "users" SET "post_count" = "users"."post_count" + "per_user"."n"
    FROM (SELECT "user_id", count(*) AS "n" FROM "added" GROUP BY "user_id") AS "per_user"
    WHERE "users"."id" = "per_user"."user_id";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "posts_count_removed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "counters" SET "value" = "value" - (SELECT count(*) FROM "removed") WHERE "name" = 'posts';
  UPDATE "users" SET "post_count" = "users"."post_count" - "per_user"."n"
    FROM (SELECT "user_id", count(*) AS "n" FROM "removed" GROUP BY "user_id") AS "per_user"
    WHERE "users"."id" = "per_user"."user_id";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "posts_count_insert" AFTER INSERT ON "posts"
  REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "posts_count_added"();
--> statement-breakpoint
CREATE TRIGGER "posts_count_delete" AFTER DELETE ON "posts"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION "posts_count_removed"();
--> statement-breakpoint
-- A post never changes hands; refusing the update keeps the per-user totals true.
CREATE FUNCTION "posts_owner_is_fixed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'posts.user_id cannot be changed';
END $$;
--> statement-breakpoint
CREATE TRIGGER "posts_owner_fixed" BEFORE UPDATE OF "user_id" ON "posts"
  FOR EACH ROW WHEN (OLD."user_id" IS DISTINCT FROM NEW."user_id") EXECUTE FUNCTION "posts_owner_is_fixed"();
--> statement-breakpoint
UPDATE "users" SET "post_count" = (SELECT count(*) FROM "posts" WHERE "posts"."user_id" = "users"."id");
--> statement-breakpoint
CREATE FUNCTION "post_likes_count_added"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "posts" SET "likes" = "posts"."likes" + "per_post"."n"
    FROM (SELECT "post_id", count(*) AS "n" FROM "added" GROUP BY "post_id") AS "per_post"
    WHERE "posts"."id" = "per_post"."post_id";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "post_likes_count_removed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "posts" SET "likes" = "posts"."likes" - "per_post"."n"
    FROM (SELECT "post_id", count(*) AS "n" FROM "removed" GROUP BY "post_id") AS "per_post"
    WHERE "posts"."id" = "per_post"."post_id";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "post_likes_count_insert" AFTER INSERT ON "post_likes"
  REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "post_likes_count_added"();
--> statement-breakpoint
CREATE TRIGGER "post_likes_count_delete" AFTER DELETE ON "post_likes"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION "post_likes_count_removed"();
