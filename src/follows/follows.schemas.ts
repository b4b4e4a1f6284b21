import { Type, type Static } from 'typebox';

export const FollowState = Type.Object(
  {
    following: Type.Boolean({ description: 'Whether the caller now follows them' }),
    followers: Type.Integer({ description: 'Their number of followers' }),
  },
  { title: 'FollowState' },
);

export type FollowState = Static<typeof FollowState>;
