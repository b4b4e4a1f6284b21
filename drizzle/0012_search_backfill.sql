-- The posts written before search: their words, in the default language (a start with another
-- SEARCH_LANGUAGE rewrites them). The text is the stored HTML without its tags; posts written from now
-- on store the renderer's plain text instead.
INSERT INTO "post_search" ("post_id", "language", "title", "summary", "body")
SELECT "p"."id", 'english'::regconfig, coalesce("p"."title", ''),
       concat_ws(' ', "p"."description", (SELECT string_agg("t"."name", ' ' ORDER BY "pt"."position")
         FROM "post_tags" AS "pt" JOIN "tags" AS "t" ON "t"."id" = "pt"."tag_id" WHERE "pt"."post_id" = "p"."id")),
       replace(replace(replace(replace(replace(
         regexp_replace("p"."content_html", '<[^>]+>', ' ', 'g'),
         '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&amp;', '&')
FROM "posts" AS "p"
ON CONFLICT ("post_id") DO NOTHING;
