import type * as TF from '@tensorflow/tfjs';
import { DlfError, describeValue } from '../DlfError.js';
import type * as Runtime from '../index.js';
import type { BackendName } from '../setupBackend.js';
import { exampleCss } from './exampleCss.js';

/**
 * Where a mounted example is. The root element's `data-dlf-state` attribute mirrors it:
 * `idle` (mounted, waiting to start) -> `running` (loading libraries, then computing; `paused` while
 * the reader pauses) -> `done`, or `stopped` (the reader pressed Stop), or `error` (with the message
 * in `data-dlf-error`).
 */
export type ExampleState = 'idle' | 'running' | 'paused' | 'done' | 'stopped' | 'error';

/** Options every example accepts, next to its own. */
export interface ExampleMountOptions {
  /**
   * When the example starts computing: `'visible'` when a quarter of it scrolls into view,
   * `'click'` when the reader presses Start, `'immediate'` at once. Heavy libraries (tfjs,
   * onnxruntime) are loaded only then. Default: `'visible'`.
   */
  start?: 'visible' | 'click' | 'immediate';
  /**
   * tfjs backend, or backends in order, to try first (see `setupBackend`). Default: the environment's
   * order, except that software GPU renderers (SwiftShader, llvmpipe) are skipped for wasm.
   */
  backend?: BackendName | readonly BackendName[];
  /**
   * URL prefix, ending in `/`, where the `.wasm` files of `@tensorflow/tfjs-backend-wasm` are served.
   * Default: the value given to {@link configureExamples}, else tfjs's own default.
   */
  wasmPaths?: string;
  /** Called on every state change, with the message for `done`, `stopped` and `error`. */
  onStateChange?: (state: ExampleState, message: string | undefined) => void;
}

/** What `mount` returns. */
export interface ExampleHandle {
  /** Stops the computation, disconnects observers and removes everything the example added to the page. */
  destroy(): void;
  /** Starts (or restarts) the computation now, whatever the `start` option said. */
  start(): void;
  /** Stops the computation; the state becomes `stopped`. */
  stop(): void;
  /** The current state. */
  readonly state: ExampleState;
}

/** What an example's `run` receives. */
export interface ExampleContext<O> {
  /** The `@tensorflow/tfjs` module, loaded on start. */
  tf: typeof TF;
  /** The `@dlf/runtime` module, loaded on start. */
  runtime: typeof Runtime;
  /** The tfjs backend the example runs on. */
  backend: BackendName;
  /**
   * The URL prefix the tfjs wasm files are served from (the `wasmPaths` mount option or
   * {@link configureExamples}'s), if one was given. Hosts serve onnxruntime-web's `.wasm` files from
   * the same folder, so examples that create ONNX sessions pass it on.
   */
  wasmPaths: string | undefined;
  /** The example's own options, defaults filled in. */
  options: O;
  /** The element (inside the example's shadow root) to draw in; `setup` drew into it first. */
  view: HTMLElement;
  /** Aborted when the reader stops the example or the host destroys it. */
  signal: AbortSignal;
  /** Shows progress: `fraction` in [0, 1] and a short label. */
  progress(fraction: number, label?: string): void;
  /**
   * Call between units of work: yields to the browser so the page stays responsive, waits while the
   * reader has paused, and throws `DlfError('ABORTED')` once the example is stopped or destroyed.
   */
  tick(): Promise<void>;
}

/** How a package defines one example (see docs/CONTRIBUTING-EXAMPLES.md). */
export interface ExampleDefinition<O extends object> {
  /** The package's short name (`'runtime'` for `@dlf/runtime`). */
  package: string;
  /** The example's name, unique in its package (`'twoMoons'`). */
  name: string;
  /** A short title shown in the example's header. */
  title: string;
  /** One or two sentences on what the example shows. */
  description: string;
  /** Defaults of the example's own options. */
  defaults: O;
  /** Checks the example's own options (after defaults are filled); throw `DlfError` on bad input. */
  validate?(options: O): void;
  /** Draws the idle view, before any heavy library is loaded: no tfjs here. */
  setup?(view: HTMLElement, options: O): void;
  /** The computation; returns the summary shown when done. Load package code with `import()` inside it. */
  run(context: ExampleContext<O>): Promise<string | undefined>;
  /** Extra CSS for the example's shadow root (its class names are private to it). */
  css?: string;
}

/** A live example: `example.mount(element, options)` renders it into `element`. */
export interface Example<O extends object = Record<string, unknown>> {
  /** `'<package>/<name>'`, the value of the root's `data-dlf-example` attribute. */
  readonly id: string;
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** The example's own options with their defaults. */
  readonly defaults: Readonly<O>;
  /** Renders the example into `element` (which becomes its root) and returns a handle. */
  mount(element: HTMLElement, options?: Partial<O> & ExampleMountOptions): ExampleHandle;
}

const globalDefaults: { wasmPaths?: string; backend?: BackendName | readonly BackendName[] } = {};

/**
 * Sets defaults for every example mounted afterwards by this copy of the examples code: where the
 * tfjs wasm files are served and which backend to prefer. The standalone bundles call it with the
 * folder they are served from.
 *
 * @example
 * ```ts
 * configureExamples({ wasmPaths: '/assets/tfjs-wasm/' });
 * twoMoons.mount(document.querySelector('#demo')!);
 * ```
 */
export function configureExamples(options: {
  wasmPaths?: string;
  backend?: BackendName | readonly BackendName[];
}): void {
  if (options.wasmPaths !== undefined) globalDefaults.wasmPaths = options.wasmPaths;
  if (options.backend !== undefined) globalDefaults.backend = options.backend;
}

let hardwareOrder: Promise<BackendName[] | undefined> | undefined;

/**
 * The backend order for examples when the host did not choose: the default (webgpu > webgl > wasm >
 * cpu) when the GPU backends run on hardware, but wasm first when WebGPU and WebGL are software
 * renderers (SwiftShader, llvmpipe: headless browsers, VMs), where the wasm backend is several times
 * faster. Probed once per page.
 */
function hardwareBackendOrder(): Promise<BackendName[] | undefined> {
  hardwareOrder ??= (async () => {
    const software = /swiftshader|llvmpipe|softpipe|software|basic render/i;
    let webgpuHardware = false;
    try {
      const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      const adapter = (await gpu?.requestAdapter()) as
        | {
            isFallbackAdapter?: boolean;
            info?: { isFallbackAdapter?: boolean; architecture?: string; description?: string };
          }
        | null
        | undefined;
      const info = adapter?.info;
      webgpuHardware =
        !!adapter &&
        !adapter.isFallbackAdapter &&
        !info?.isFallbackAdapter &&
        !software.test(`${info?.architecture ?? ''} ${info?.description ?? ''}`);
    } catch {
      webgpuHardware = false;
    }
    if (webgpuHardware) return undefined;
    let webglHardware = false;
    try {
      const gl = document.createElement('canvas').getContext('webgl2');
      if (gl) {
        const ext = gl.getExtension('WEBGL_debug_renderer_info');
        const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
        webglHardware = !software.test(renderer);
        gl.getExtension('WEBGL_lose_context')?.loseContext();
      }
    } catch {
      webglHardware = false;
    }
    return webglHardware ? ['webgl', 'wasm', 'cpu'] : ['wasm', 'cpu'];
  })();
  return hardwareOrder;
}

let shellCounter = 0;

/**
 * Turns an {@link ExampleDefinition} into a mountable {@link Example}: the shared shell (shadow root
 * with scoped styles, header with title and backend, progress bar, Start / Pause / Stop buttons,
 * `data-dlf-*` state attributes), lazy start and lazy loading of tfjs and the runtime.
 *
 * @example
 * ```ts
 * export const hello = defineExample({
 *   package: 'mypkg', name: 'hello', title: 'Hello', description: 'Adds two tensors.', defaults: {},
 *   run: async ({ tf }) => `1 + 2 = ${(await tf.add(1, 2).data())[0]}`,
 * });
 * ```
 */
export function defineExample<O extends object>(definition: ExampleDefinition<O>): Example<O> {
  const id = `${definition.package}/${definition.name}`;
  return {
    id,
    name: definition.name,
    title: definition.title,
    description: definition.description,
    defaults: definition.defaults,
    mount(element, options = {}) {
      return mountExample(definition, id, element, options);
    },
  };
}

const MOUNT_KEYS = new Set(['start', 'backend', 'wasmPaths', 'onStateChange']);

function mountExample<O extends object>(
  definition: ExampleDefinition<O>,
  id: string,
  element: HTMLElement,
  mountOptions: Partial<O> & ExampleMountOptions,
): ExampleHandle {
  if (typeof HTMLElement === 'undefined' || !(element instanceof HTMLElement)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `element must be an HTMLElement, received ${describeValue(element)}`,
      {
        param: 'element',
      },
    );
  }
  const startMode = mountOptions.start ?? 'visible';
  if (!['visible', 'click', 'immediate'].includes(startMode)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `start must be 'visible', 'click' or 'immediate', received ${describeValue(startMode)}`,
      { param: 'start' },
    );
  }
  const own = { ...definition.defaults } as O;
  for (const [key, value] of Object.entries(mountOptions)) {
    if (MOUNT_KEYS.has(key) || value === undefined) continue;
    if (!(key in definition.defaults)) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `${id} has no option ${describeValue(key)}; its options are ${Object.keys(definition.defaults).join(', ')}`,
        { param: key },
      );
    }
    (own as Record<string, unknown>)[key] = value;
  }
  definition.validate?.(own);

  // A custom element name keeps the page's `div`/`section` rules off the shadow host.
  const host = document.createElement('dlf-example-shell');
  const shadow = host.attachShadow({ mode: 'open' });
  const uid = `dlf-ex-${++shellCounter}`;
  shadow.innerHTML = `<style>${exampleCss}${definition.css ?? ''}</style>
<section class="card" aria-labelledby="${uid}-title">
  <header class="head">
    <span class="title" id="${uid}-title"></span>
    <span class="backend" title="tfjs backend">backend: <b>not loaded</b></span>
  </header>
  <div class="view"></div>
  <footer class="foot">
    <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"><div class="fill"></div></div>
    <div class="row">
      <span class="status" aria-live="polite"></span>
      <span class="buttons">
        <button type="button" class="start">Start</button>
        <button type="button" class="pause" hidden>Pause</button>
        <button type="button" class="stop" hidden>Stop</button>
      </span>
    </div>
  </footer>
</section>`;
  const q = <T extends Element>(selector: string) => shadow.querySelector(selector) as T;
  q<HTMLElement>('.title').textContent = definition.title;
  q<HTMLElement>('.title').title = definition.description;
  const view = q<HTMLElement>('.view');
  const backendLabel = q<HTMLElement>('.backend b');
  const bar = q<HTMLElement>('.bar');
  const fill = q<HTMLElement>('.fill');
  const status = q<HTMLElement>('.status');
  const startButton = q<HTMLButtonElement>('.start');
  const pauseButton = q<HTMLButtonElement>('.pause');
  const stopButton = q<HTMLButtonElement>('.stop');

  let state: ExampleState = 'idle';
  let controller: AbortController | undefined;
  let paused = false;
  let resumeWaiters: Array<() => void> = [];
  let observer: IntersectionObserver | undefined;
  let destroyed = false;
  let runCount = 0;

  const setState = (next: ExampleState, message?: string) => {
    state = next;
    element.setAttribute('data-dlf-state', next);
    if (next === 'error' && message !== undefined) element.setAttribute('data-dlf-error', message);
    else element.removeAttribute('data-dlf-error');
    const active = next === 'running' || next === 'paused';
    startButton.hidden = active;
    startButton.textContent = next === 'idle' ? 'Start' : 'Run again';
    pauseButton.hidden = !active;
    stopButton.hidden = !active;
    pauseButton.textContent = next === 'paused' ? 'Resume' : 'Pause';
    if (message !== undefined) status.textContent = message;
    status.classList.toggle('error', next === 'error');
    mountOptions.onStateChange?.(next, message);
  };

  const progress = (fraction: number, label?: string) => {
    const pct = Math.round(Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0)) * 100);
    fill.style.width = `${pct}%`;
    bar.setAttribute('aria-valuenow', String(pct));
    if (label !== undefined) status.textContent = label;
  };

  const releasePaused = () => {
    const waiters = resumeWaiters;
    resumeWaiters = [];
    for (const w of waiters) w();
  };

  const tick = async (signal: AbortSignal) => {
    await new Promise<void>((resolve) => {
      if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible') {
        requestAnimationFrame(() => resolve());
      } else setTimeout(resolve, 0);
    });
    while (paused && !signal.aborted) await new Promise<void>((resolve) => resumeWaiters.push(resolve));
    if (signal.aborted) throw new DlfError('ABORTED', `${id} was stopped`);
  };

  const start = () => {
    if (destroyed) return;
    observer?.disconnect();
    observer = undefined;
    controller?.abort();
    const own$ = new AbortController();
    controller = own$;
    const signal = own$.signal;
    const thisRun = ++runCount;
    paused = false;
    releasePaused();
    setState('running', 'loading tfjs…');
    progress(0);
    void (async () => {
      try {
        const [tf, runtime] = await Promise.all([import('@tensorflow/tfjs'), import('../index.js')]);
        if (signal.aborted) throw new DlfError('ABORTED', `${id} was stopped`);
        const prefer = mountOptions.backend ?? globalDefaults.backend ?? (await hardwareBackendOrder());
        const wasmPaths = mountOptions.wasmPaths ?? globalDefaults.wasmPaths;
        const backend = await runtime.setupBackend({
          ...(prefer ? { prefer: prefer as BackendName | BackendName[] } : {}),
          ...(wasmPaths ? { wasmPaths } : {}),
        });
        backendLabel.textContent = backend;
        element.setAttribute('data-dlf-backend', backend);
        status.textContent = `running on ${backend}`;
        const summary = await definition.run({
          tf,
          runtime,
          backend,
          wasmPaths,
          options: own,
          view,
          signal,
          progress,
          tick: () => tick(signal),
        });
        if (thisRun !== runCount || destroyed) return;
        progress(1);
        setState('done', summary ?? 'done');
      } catch (error) {
        if (thisRun !== runCount || destroyed) return;
        if (error instanceof DlfError && error.code === 'ABORTED') setState('stopped', 'stopped');
        else setState('error', `error: ${error instanceof Error ? error.message : String(error)}`);
      }
    })();
  };

  const stop = () => {
    controller?.abort();
    paused = false;
    releasePaused();
  };

  startButton.addEventListener('click', start);
  stopButton.addEventListener('click', stop);
  pauseButton.addEventListener('click', () => {
    if (state !== 'running' && state !== 'paused') return;
    paused = !paused;
    if (!paused) releasePaused();
    setState(paused ? 'paused' : 'running', paused ? 'paused' : 'running');
  });

  element.setAttribute('data-dlf-example', id);
  element.replaceChildren(host);
  setState('idle', startMode === 'click' ? 'press Start to run' : 'starts when scrolled into view');
  try {
    definition.setup?.(view, own);
  } catch (error) {
    setState('error', `error: ${error instanceof Error ? error.message : String(error)}`);
  }

  if (state === 'idle') {
    if (startMode === 'immediate') start();
    else if (startMode === 'visible') {
      if (typeof IntersectionObserver === 'undefined') start();
      else {
        observer = new IntersectionObserver(
          (entries) => {
            if (entries.some((e) => e.isIntersecting)) start();
          },
          { threshold: 0.25 },
        );
        observer.observe(host);
      }
    }
  }

  return {
    destroy() {
      if (destroyed) return;
      destroyed = true;
      observer?.disconnect();
      stop();
      host.remove();
      for (const a of ['data-dlf-example', 'data-dlf-state', 'data-dlf-error', 'data-dlf-backend']) {
        element.removeAttribute(a);
      }
    },
    start,
    stop,
    get state() {
      return state;
    },
  };
}
