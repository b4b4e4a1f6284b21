import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { megabytes } from '../platform/http/uploads.js';
import { Field } from '../platform/web/components.js';
import type { PageDocument } from '../platform/web/layout.js';
import { TAGS_PER_POST } from '../tags/limits.js';
import { DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH } from './limits.js';

/**
 * The writer's pages: the editor (a new post, or an existing one by id) and My drafts. Both are the same
 * shell for everyone; the browser fills them in with the signed-in author's own posts from the API.
 */
const writingPages: FastifyPluginAsyncTypebox = async (app) => {
  const editor = editorPage(megabytes(app.config.maxUploadSizeBytes));
  const hidden = { hide: true };
  app.get('/editor', { schema: hidden }, async (_request, reply) => reply.page(editor));
  app.get(
    '/editor/:post_id(^\\d{1,10}$)',
    { schema: { ...hidden, params: Type.Object({ post_id: Type.Integer() }) } },
    async (_request, reply) => reply.page(editor),
  );
  app.get('/drafts', { schema: hidden }, async (_request, reply) => reply.page(draftsPage));
};

export default writingPages;

export function editorPage(maxUpload: string): PageDocument {
  return {
    title: 'Write',
    script: 'posts/editor',
    body: (
      <form id="editorForm" class="editor" novalidate hidden>
        <div class="d-flex flex-wrap align-items-baseline gap-2 mb-3">
          <h1 class="h3 mb-0 me-auto" id="editorHeading">
            New post
          </h1>
          <span class="small text-body-secondary" id="editorState" role="status"></span>
        </div>
        <div class="alert alert-warning" id="editorNotice" hidden>
          <div class="d-flex flex-wrap gap-2 align-items-center">
            <span data-role="message"></span>
            <button type="button" class="btn btn-sm btn-outline-secondary ms-auto" id="discardLocal" hidden>
              Discard these changes
            </button>
          </div>
        </div>
        <Field
          id="titleInput"
          name="title"
          label="Title"
          labelNote="(optional)"
          maxlength={TITLE_MAX_LENGTH}
        />
        <Field
          id="descriptionInput"
          name="description"
          label="Subtitle"
          labelNote="(optional, shown under the title and in lists)"
          type="textarea"
          rows={2}
          maxlength={DESCRIPTION_MAX_LENGTH}
        />
        <Field
          id="tagsInput"
          name="tags"
          label="Tags"
          labelNote={`(optional, up to ${TAGS_PER_POST}, separated by commas)`}
          list="tagSuggestions"
          autocomplete="off"
          hint="Letters, digits and hyphens; used tags are suggested as you type."
        />
        <datalist id="tagSuggestions"></datalist>
        <div class="editor-panes mb-3">
          <ul class="nav nav-tabs editor-tabs" role="tablist">
            {(['Write', 'Preview'] as const).map((name, index) => (
              <li class="nav-item" role="presentation">
                <button
                  class={index === 0 ? 'nav-link active' : 'nav-link'}
                  id={`${name.toLowerCase()}Tab`}
                  type="button"
                  role="tab"
                  data-bs-toggle="tab"
                  data-bs-target={`#${name.toLowerCase()}Pane`}
                  aria-controls={`${name.toLowerCase()}Pane`}
                  aria-selected={String(index === 0)}
                >
                  {name}
                </button>
              </li>
            ))}
          </ul>
          <div class="tab-content">
            <div class="tab-pane show active" id="writePane" role="tabpanel" aria-labelledby="writeTab">
              <div class="d-flex flex-wrap gap-2 align-items-center mb-2">
                <button type="button" class="btn btn-sm btn-outline-secondary" id="insertImage">
                  Insert image
                </button>
                <input
                  type="file"
                  id="imageInput"
                  accept="image/jpeg,image/png,image/gif,image/webp"
                  aria-label="Image to insert"
                  hidden
                />
                <span class="small text-body-secondary" id="imageHint" safe>
                  {`JPEG, PNG, GIF or WebP, at most ${maxUpload}; inserted where the cursor is.`}
                </span>
              </div>
              <Field
                id="contentInput"
                name="content"
                label="Text"
                labelNote="(Markdown)"
                type="textarea"
                rows={18}
                required
                hint="**bold**, _italic_, ## heading, - list, > quote, [link](https://…), ``` code ```, | tables |"
                class="mb-0 editor-text"
              />
            </div>
            <div class="tab-pane" id="previewPane" role="tabpanel" aria-labelledby="previewTab" tabindex="0">
              <p class="editor-preview-label small text-body-secondary mb-2" aria-hidden="true">
                Preview
              </p>
              <div class="article-content" id="previewContent" aria-live="polite"></div>
            </div>
          </div>
        </div>
        <fieldset class="editor-publish border rounded p-3">
          <legend class="fs-6 fw-semibold float-none w-auto px-1 mb-0">Publishing</legend>
          <div class="row g-3 align-items-end">
            <Field
              id="publishAtInput"
              name="publish_at"
              label="Schedule for"
              labelNote="(your local time)"
              type="datetime-local"
              class="col-sm-6 col-lg-4"
            />
            <div class="col d-flex flex-wrap gap-2 justify-content-sm-end">
              <button type="submit" class="btn btn-outline-secondary" value="draft" id="saveDraft">
                Save draft
              </button>
              <button type="submit" class="btn btn-outline-primary" value="schedule" id="schedulePost">
                Schedule
              </button>
              <button type="submit" class="btn btn-primary" value="publish" id="publishPost">
                Publish
              </button>
            </div>
          </div>
        </fieldset>
      </form>
    ),
  };
}

export const draftsPage: PageDocument = {
  title: 'My drafts',
  script: 'posts/drafts',
  body: (
    <div class="reading-column" id="drafts" hidden>
      <div class="d-flex align-items-center gap-2 mb-4">
        <h1 class="h3 mb-0 me-auto">My drafts</h1>
        <a class="btn btn-primary btn-sm" href="/editor">
          New post
        </a>
      </div>
      {(
        [
          ['draft', 'Drafts', 'No drafts. Everything you save as a draft waits here.'],
          ['scheduled', 'Scheduled', 'Nothing scheduled.'],
        ] as const
      ).map(([status, heading, empty]) => (
        <section class="mb-4" aria-labelledby={`${status}Heading`}>
          <h2 class="h5" id={`${status}Heading`}>
            {heading}
          </h2>
          <ul class="list-group" id={`${status}List`} data-status={status}></ul>
          <p class="text-body-secondary" id={`${status}Empty`} hidden>
            {empty}
          </p>
          <button type="button" class="btn btn-outline-primary btn-sm mt-2" id={`${status}More`} hidden>
            Load More
          </button>
        </section>
      ))}
    </div>
  ),
};
