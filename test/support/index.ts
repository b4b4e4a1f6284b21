// What every test tier shares (test/, src/**/*.test.ts, e2e/, system/): databases, the app with a
// reset, users, an SMTP sink, an S3 server and image files.
export * from './app.js';
export * from './database.js';
export * from './images.js';
export * from './mail.js';
export * from './s3.js';
export * from './uploads.js';
export * from './users.js';
export * from './plans.js';
export * from './ports.js';
export * from './postgres-cluster.js';
