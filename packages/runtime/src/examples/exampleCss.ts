/**
 * The shell's stylesheet, applied inside each example's shadow root. `:host` resets every inherited
 * property (`all: initial`, important so that page rules on the host cannot win), so nothing from the
 * page leaks in except the theme's custom properties, which a host page may set on any ancestor:
 * `--dlf-example-bg`, `--dlf-example-fg`, `--dlf-example-muted`, `--dlf-example-accent`,
 * `--dlf-example-border`, `--dlf-example-font`.
 */
export const exampleCss = `
:host {
  all: initial !important;
  display: block !important;
  visibility: visible !important;
  opacity: 1 !important;
  position: relative !important;
  max-width: 100% !important;
  box-sizing: border-box !important;
  color: var(--dlf-example-fg, #1c1e21) !important;
  font: 14px/1.4 var(--dlf-example-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif) !important;
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.card {
  display: block;
  margin: 0;
  padding: 12px;
  border: 1px solid var(--dlf-example-border, #d0d7de);
  border-radius: 8px;
  background: var(--dlf-example-bg, #ffffff);
  color: inherit;
}
.head, .row { display: flex; align-items: center; justify-content: space-between; gap: 8px; flex-wrap: wrap; }
.title { font-weight: 600; }
.backend { font-size: 12px; color: var(--dlf-example-muted, #57606a); }
.backend b { font-weight: 600; color: var(--dlf-example-fg, #1c1e21); }
.view { display: block; margin: 10px 0; min-height: 40px; }
.view canvas { display: block; max-width: 100%; height: auto; }
.bar { height: 6px; border-radius: 3px; background: var(--dlf-example-border, #d0d7de); overflow: hidden; }
.fill { height: 100%; width: 0; background: var(--dlf-example-accent, #2e8555); transition: width 0.1s linear; }
.row { margin-top: 8px; }
.status { font-size: 13px; color: var(--dlf-example-muted, #57606a); font-variant-numeric: tabular-nums; }
.status.error { color: #cf222e; }
.buttons { display: inline-flex; gap: 6px; }
button {
  font: inherit;
  font-size: 13px;
  padding: 3px 12px;
  border-radius: 6px;
  border: 1px solid var(--dlf-example-border, #d0d7de);
  background: var(--dlf-example-bg, #ffffff);
  color: var(--dlf-example-fg, #1c1e21);
  cursor: pointer;
}
button:hover { border-color: var(--dlf-example-accent, #2e8555); }
button:focus-visible { outline: 2px solid var(--dlf-example-accent, #2e8555); outline-offset: 1px; }
`;
