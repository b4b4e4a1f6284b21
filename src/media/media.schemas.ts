import { Type, type Static } from 'typebox';

export const MediaUpload = Type.Object(
  {
    url: Type.String({ description: 'Use it in Markdown: `![what it shows](url)`' }),
    width: Type.Integer(),
    height: Type.Integer(),
  },
  { title: 'MediaUpload' },
);

export type MediaUpload = Static<typeof MediaUpload>;
