-- A number that changes whenever anything shown on a public page changes: a post written, edited,
-- liked or deleted, a user renamed, given a picture or deleted. Page ETags are built from it, so a
-- conditional request is answered 304 from one indexed row, without rendering the page.
INSERT INTO "counters" ("name", "value") VALUES ('content_version', 0);
--> statement-breakpoint
CREATE FUNCTION "content_version_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "counters" SET "value" = "value" + 1 WHERE "name" = 'content_version';
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "posts_content_version" AFTER INSERT OR UPDATE OR DELETE ON "posts"
  FOR EACH STATEMENT EXECUTE FUNCTION "content_version_bump"();
--> statement-breakpoint
CREATE TRIGGER "users_content_version" AFTER UPDATE OF "username", "image_file" OR DELETE ON "users"
  FOR EACH STATEMENT EXECUTE FUNCTION "content_version_bump"();
