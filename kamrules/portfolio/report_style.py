"""The HTML report's style sheet (for the screen, and for printing on A4) and its few lines of
script (sorting the accounts table by a click on a column title). Both are inline in the page,
which makes no request of any kind."""

from __future__ import annotations

CSS = """
:root{--ink:#1a202c;--muted:#4a5568;--line:#e2e8f0;--band:#1a365d}
*{box-sizing:border-box}
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;margin:0;color:var(--ink);background:#f7fafc;line-height:1.4}
header{background:var(--band);color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:24px}
main{padding:12px 28px 40px;max-width:1500px}
section{background:#fff;border:1px solid var(--line);border-radius:6px;margin:16px 0;padding:12px 18px}
h2{font-size:19px;margin:6px 0 12px}
h3{font-size:16px;margin:14px 0 6px}
a{color:#2b6cb0}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#ebf4ff;border-radius:6px;padding:8px 14px;min-width:150px}
.card b{display:block;font-size:20px}
.figure{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.figure svg{max-width:100%;height:auto;border:1px solid var(--line)}
.figure table{flex:1 1 320px}
table{border-collapse:collapse;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#edf2f7}
.scroll{max-height:70vh;overflow:auto}
.scroll th{position:sticky;top:0;z-index:1}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th[aria-sort=ascending]::after{content:" \\25B2"}
table.sortable th[aria-sort=descending]::after{content:" \\25BC"}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.name{min-width:160px}
.sev{display:inline-block;border-radius:4px;padding:1px 7px;color:#fff;font-size:12px;font-weight:bold}
.sev{white-space:nowrap}
.sev-high{background:#c53030}.sev-medium{background:#b7521c}.sev-low{background:#2b6cb0}.sev-info{background:#4a5568}
.warning{border-left:4px solid var(--line);padding:4px 12px;margin:10px 0}
.warning.sev-border-high{border-color:#c53030}.warning.sev-border-medium{border-color:#dd6b20}
.warning.sev-border-low{border-color:#3182ce}.warning.sev-border-info{border-color:#718096}
.warning h3{margin:2px 0 4px;display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
.accounts{color:var(--muted);font-size:13px;margin:4px 0 0}
.accounts a{white-space:nowrap}
p.note,div.note{color:var(--muted);font-size:13px}
ul.marks{margin:0;padding:0;list-style:none}
ul.marks li{margin:0 0 2px}
.mark{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:5px;vertical-align:baseline}
.mark-high{background:#c53030}.mark-medium{background:#dd6b20}.mark-low{background:#3182ce}.mark-info{background:#718096}
tr:target{background:#fefcbf}
@page{size:A4 portrait;margin:14mm 12mm}
@page wide{size:A4 landscape;margin:12mm}
@media print{
  body{background:#fff;font-size:10pt;line-height:1.3}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  header{background:#fff;color:var(--ink);padding:0 0 6pt;border-bottom:2pt solid var(--band)}
  header h1{font-size:18pt}
  main{padding:0;max-width:none}
  section{border:none;border-radius:0;padding:0;margin:0 0 10pt}
  h2{font-size:14pt;break-after:avoid}
  h3{font-size:12pt;break-after:avoid}
  a{color:inherit;text-decoration:none}
  .card{padding:4pt 8pt;min-width:0}
  .card b{font-size:13pt}
  .figure{display:block;break-inside:avoid}
  .figure svg{width:100%;max-width:170mm;border:none}
  .figure table{width:100%;margin-top:4pt}
  .warning{break-inside:avoid}
  table{font-size:8pt;width:100%}
  p.note,div.note,.accounts{font-size:8pt}
  th,td{padding:2pt 4pt}
  .scroll{max-height:none;overflow:visible}
  .scroll th{position:static}
  thead{display:table-header-group}
  tr{break-inside:avoid}
  .screen-only{display:none}
  #matrices h3{break-before:auto}
  #accounts{page:wide;break-before:page}
}
"""

# Sorting: numbers by their value (data-v), texts in the report's language order.
SCRIPT = """
document.querySelectorAll('table.sortable').forEach(function(table){
  table.querySelectorAll('th').forEach(function(th, col){
    th.addEventListener('click', function(){
      var body = table.tBodies[0];
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th').forEach(function(h){ h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      function key(row){
        var cell = row.cells[col];
        var v = cell.getAttribute('data-v');
        return v !== null && v !== '' ? parseFloat(v) : cell.textContent;
      }
      rows.sort(function(a, b){
        var x = key(a), y = key(b), r;
        if (typeof x === 'number' && typeof y === 'number') { r = x - y; }
        else { r = String(x).localeCompare(String(y), document.documentElement.lang); }
        return asc ? r : -r;
      });
      rows.forEach(function(row){ body.appendChild(row); });
    });
  });
});
"""
