// TypeDoc plugin: titles each module after the import path readers use (`@dlf/runtime`,
// `@dlf/runtime/examples`) instead of its file name (`index`, `examples`). The main entry's pages
// live under `api/main/`; the titles change once the pages' URLs are fixed, so URLs keep the short
// names. The project's `name` option must be the package name.
import { Converter, RendererEvent } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const mod of context.project.children ?? []) if (mod.name === 'index') mod.name = 'main';
  });
  app.renderer.on(RendererEvent.BEGIN, (event) => {
    const pkg = app.options.getValue('name');
    for (const mod of event.project.children ?? []) {
      mod.name = mod.name === 'main' ? pkg : `${pkg}/${mod.name}`;
    }
  });
}
