export { Cacher } from './cacher.js';
export type { CacherOptions, CacherGetOptions, CacherListOptions, CacherWatchOptions, ResourceVersionMatch } from './cacher.js';
export { encodeOnce } from './encoded-event.js';
export type { CacherClock } from './clock.js';
