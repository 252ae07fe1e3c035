// The package's error helpers are the runtime's: one DlfError class and one rendering of values.
export { DlfError, describeValue } from '@dlf/runtime';
