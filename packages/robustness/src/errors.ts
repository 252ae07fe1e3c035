import { DlfError } from '@dlf/runtime';

export { DlfError };

/** Short rendering of a received value for error messages (the runtime keeps its own private). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of length ${(value as Uint8Array).length}`;
  if (typeof value === 'object' && value !== null && 'shape' in value) {
    return `tensor of shape [${(value as { shape: number[] }).shape.join(', ')}]`;
  }
  if (typeof value === 'function') return 'function';
  return typeof value;
}
