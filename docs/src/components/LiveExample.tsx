import useBaseUrl from '@docusaurus/useBaseUrl';
import { useEffect, useRef } from 'react';
import { exampleLoaders } from '../generated/exampleLoaders';

export interface LiveExampleProps {
  /** The package's short name: `runtime` for `@dlf/runtime`. */
  pkg: string;
  /** The example's name in the package's `examples` record. */
  name: string;
  /** When it starts: when scrolled into view (default), on a click, or at once. */
  start?: 'visible' | 'click' | 'immediate';
  /** The example's own options (see its API page). */
  options?: Record<string, unknown>;
}

/**
 * A package's live example, mounted from its `./examples` subpath (loaded on demand); the example
 * renders itself, this component only gives it an element and tells it where the wasm files are.
 */
export default function LiveExample({ pkg, name, start = 'visible', options }: LiveExampleProps) {
  const ref = useRef<HTMLDivElement>(null);
  const wasmPaths = useBaseUrl('/wasm/');
  const optionsKey = JSON.stringify(options ?? {});
  useEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    let cancelled = false;
    let handle: { destroy(): void } | undefined;
    const fail = (message: string) => {
      element.setAttribute('data-dlf-state', 'error');
      element.setAttribute('data-dlf-error', message);
      element.textContent = message;
    };
    const load = exampleLoaders[pkg];
    if (!load) {
      fail(
        `no package "${pkg}" with examples on this site (known: ${Object.keys(exampleLoaders).join(', ')})`,
      );
      return undefined;
    }
    load().then(
      (mod) => {
        if (cancelled) return;
        const example = mod.examples[name];
        if (!example) {
          fail(
            `@dlf/${pkg}/examples has no example "${name}" (known: ${Object.keys(mod.examples).join(', ')})`,
          );
          return;
        }
        try {
          handle = example.mount(element, {
            ...(JSON.parse(optionsKey) as Record<string, unknown>),
            start,
            wasmPaths: new URL(wasmPaths, window.location.href).href,
          });
        } catch (error) {
          fail(error instanceof Error ? error.message : String(error));
        }
      },
      (error: unknown) => fail(`could not load @dlf/${pkg}/examples: ${String(error)}`),
    );
    return () => {
      cancelled = true;
      handle?.destroy();
      element.setAttribute('data-dlf-example', `${pkg}/${name}`);
    };
  }, [pkg, name, start, optionsKey, wasmPaths]);
  return (
    <div
      ref={ref}
      className="dlf-live-example"
      data-dlf-example={`${pkg}/${name}`}
      data-dlf-state="loading"
      data-dlf-start={start}
    />
  );
}
