"""The report's inline stylesheet: system fonts, one readable column, no external resources."""

from reglab.outputs.palette import verdict_rules

CSS = """
:root {
  --ink: #1d232b; --muted: #5b6673; --line: #d9dee5; --paper: #ffffff; --wash: #f5f7fa;
  --accent: #2f5d8a; --under: #a86a00; --good: #2e7d4f;
}
* { box-sizing: border-box; }
html { font-size: 16px; }
body {
  margin: 0; background: var(--wash); color: var(--ink);
  font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 1240px; margin: 0 auto; padding: 0 24px 48px; }
header.top { background: var(--paper); border-bottom: 1px solid var(--line); }
header.top .inner { max-width: 1240px; margin: 0 auto; padding: 22px 24px 14px; }
h1 { font-size: 1.65rem; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 1.25rem; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 0 0 6px; }
p { margin: 0 0 10px; }
.sub { color: var(--muted); margin: 0; }
nav { margin-top: 12px; display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 0.95rem; }
nav a { color: var(--accent); text-decoration: none; }
nav a:hover { text-decoration: underline; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; }
.notice { border-left: 4px solid var(--under); background: #fff8e8; padding: 10px 14px; margin: 16px 0 0; border-radius: 4px; }
.notice.pick { border-left-color: var(--good); background: #eef7f1; margin: 0 0 14px; }
dl.options { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 10px 0 0; font-size: 0.92rem; }
dl.options dt { color: var(--muted); }
dl.options dd { margin: 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.verdicts { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 12px; align-items: start; }
.verdict { border-left: 5px solid var(--muted); }
.badge {
  display: inline-block; font-size: 0.78rem; font-weight: 600; letter-spacing: 0.02em; text-transform: uppercase;
  color: #fff; background: var(--muted); border-radius: 999px; padding: 1px 9px; margin-left: 8px; vertical-align: 2px;
}
details { margin-top: 6px; }
details summary { cursor: pointer; color: var(--accent); font-size: 0.9rem; }
.evidence { font-size: 0.85rem; color: var(--muted); margin: 6px 0 0; padding-left: 18px; }
.scroll { overflow-x: auto; background: var(--paper); border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-size: 0.84rem; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 8px; text-align: right; white-space: nowrap; border-bottom: 1px solid var(--line); }
thead th { background: #eef2f6; font-weight: 600; white-space: normal; vertical-align: bottom; }
tbody th { font-weight: 600; }
th:first-child, td:first-child { text-align: left; position: sticky; left: 0; }
tbody tr, tbody tr th { background: var(--paper); }
tbody tr:nth-child(even), tbody tr:nth-child(even) th { background: #fafbfc; }
tbody tr:hover, tbody tr:hover th { background: #eef4fb; }
.note { color: var(--muted); font-size: 0.88rem; margin-top: 8px; }
td .sd { display: block; color: var(--muted); font-size: 0.78rem; }
.split { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 500px); gap: 24px; align-items: start; }
.split figure { margin: 0; }
.split figcaption { font-size: 0.85rem; }
@media (max-width: 900px) { .split { grid-template-columns: 1fr; } }
figure { margin: 0 0 22px; }
figure img { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption { margin-top: 10px; color: var(--ink); font-size: 0.93rem; }
figcaption strong { display: block; font-size: 1rem; margin-bottom: 2px; }
pre {
  background: #1f2630; color: #e8edf2; border-radius: 8px; padding: 12px 14px; overflow-x: auto;
  font: 0.85rem/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-word;
}
table.settings td, table.settings th { text-align: left; white-space: normal; vertical-align: top; }
table.settings code { font-size: 0.85rem; }
footer { color: var(--muted); font-size: 0.85rem; margin-top: 40px; border-top: 1px solid var(--line); padding-top: 12px; }
@media print { nav { display: none; } .card, .scroll { border-color: #bbb; } }
""" + verdict_rules(".verdict.{cls} {{ border-left-color: {colour}; }} .{cls} .badge {{ background: {colour}; }}") + "\n"
