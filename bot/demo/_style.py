"""The transcripts' stylesheet, inlined in every page so that a page is one file that opens
anywhere, offline, without fonts or images to fetch (a school may mail it around)."""

from __future__ import annotations

__all__ = ["CHAT_CSS", "INDEX_CSS"]

_BASE = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",
 "Noto Sans Arabic","Noto Sans Ethiopic",Arial,sans-serif;color:#1f2b37;background:#e9edf1}
a{color:#2a6fb0}
.caption{max-width:420px;margin:0 auto;padding:14px 16px 6px;font-size:13px;color:#56606b}
.caption b{color:#1f2b37;font-size:15px}
.caption a{text-decoration:none}
"""

CHAT_CSS = (
    _BASE
    + """
.phone{max-width:420px;margin:0 auto 24px;border-radius:22px;overflow:hidden;
 box-shadow:0 6px 24px rgba(20,40,60,.18);background:#fff}
.bar{display:flex;align-items:center;gap:10px;padding:10px 14px;background:#527da3;color:#fff}
.bar .back{font-size:26px;line-height:1;opacity:.85}
.avatar{width:38px;height:38px;border-radius:50%;display:flex;align-items:center;
 justify-content:center;font-weight:600;background:linear-gradient(135deg,#f6a44c,#e5734a)}
.bar .who{display:flex;flex-direction:column}
.bar .name{font-weight:600}
.bar .status{font-size:12px;opacity:.8}
.mail{position:relative;width:100%;margin:4px 0;padding:8px;border:1px solid #d5dde5;
 border-radius:10px;background:#fff}
.mail .head{font-size:13px;border-collapse:collapse;margin-bottom:6px}
.mail .head th{text-align:left;color:#56606b;font-weight:500;padding:1px 8px 1px 0}
.mail .body{width:100%;height:420px;border:1px solid #eef1f4;border-radius:6px}
.mail pre{white-space:pre-wrap;font-size:12px}
.mail summary{font-size:12px;color:#56606b;cursor:pointer}
.chat{padding:10px 10px 16px;min-height:480px;
 background:linear-gradient(160deg,#cfe0c3 0%,#b9d5b0 45%,#a8cfc2 100%)}
.day{display:flex;justify-content:center;margin:12px 0 8px}
.day span{background:rgba(40,70,60,.38);color:#fff;font-size:12.5px;padding:3px 10px;
 border-radius:12px}
.row{display:flex;margin:4px 0}
.row.in{justify-content:flex-start}
.row.out{justify-content:flex-end}
.msg{max-width:86%;display:flex;flex-direction:column}
.bubble{position:relative;padding:7px 10px 6px;border-radius:14px;
 box-shadow:0 1px 1px rgba(0,0,0,.13);overflow-wrap:anywhere}
.in .bubble{background:#fff;border-bottom-left-radius:4px}
.out .bubble{background:#e2fbcf;border-bottom-right-radius:4px}
.bubble p{margin:0 0 7px;text-align:start;white-space:normal}
.bubble p:last-of-type{margin-bottom:2px}
.bubble hr{border:0;border-top:1px dashed #c7ced6;margin:8px 0}
.bubble .orig{color:#3b4651}
.kind{display:block;font-size:11.5px;font-weight:600;color:#3a8bd0;margin-bottom:3px;
 letter-spacing:.2px}
.meta{display:block;text-align:end;font-size:11.5px;color:#8a96a3;margin-top:2px}
.out .meta{color:#5fa05a}
.buttons{display:flex;flex-direction:column;gap:4px;margin-top:4px}
.btn{display:block;text-align:center;padding:7px 10px;border-radius:10px;font-size:14px;
 color:#fff;background:rgba(45,80,70,.42);overflow-wrap:anywhere}
.btn.tapped{background:#3a8bd0;font-weight:600;box-shadow:0 0 0 2px #fff inset}
.btn.tapped::before{content:"\\2713\\00a0"}
.tap .bubble{background:#d4f0fb;font-style:italic;color:#26566f}
.empty{text-align:center;color:#fff;padding:40px 0;opacity:.9}
.compose{display:flex;align-items:center;gap:10px;padding:9px 14px;background:#f7f8f9;
 border-top:1px solid #e3e6ea;color:#9aa3ad;font-size:14px}
.compose .field{flex:1;background:#fff;border:1px solid #e1e5ea;border-radius:18px;
 padding:7px 12px}
"""
)

INDEX_CSS = (
    _BASE
    + """
main{max-width:860px;margin:0 auto;padding:16px}
h1{font-size:22px;margin:8px 0 4px}
.lead{color:#56606b;margin:0 0 16px}
table{width:100%;border-collapse:collapse;background:#fff;border-radius:12px;overflow:hidden;
 box-shadow:0 2px 10px rgba(20,40,60,.08)}
th,td{text-align:start;padding:8px 12px;border-bottom:1px solid #edf0f3;font-size:14px}
th{background:#527da3;color:#fff;font-weight:600}
td.n{text-align:end;font-variant-numeric:tabular-nums}
tr.none td{color:#9aa3ad}
.lang{color:#56606b}
"""
)
