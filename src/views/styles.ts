/**
 * @module The reporter pages' one stylesheet, inlined so the form paints in the first round trip
 * (allowed by its hash in the CSP). Phone first: one column, large targets, system fonts.
 */
export const STYLESHEET = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;scroll-padding-top:5rem}
body{margin:0;font:1.125rem/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1a1a1a;background:#fff}
.bar{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem;padding:.5rem .75rem;background:#f2f2f2;border-bottom:1px solid #ccc}
.bar a{display:inline-block;min-height:48px;padding:.7rem .9rem;border-radius:.5rem;font-weight:600;text-decoration:none}
.lang{color:#0b4f9c}
.exit{background:#b00020;color:#fff}
main{max-width:40rem;margin:0 auto;padding:1rem .9rem 6rem}
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0}
h1,h2,p,li,dd{overflow-wrap:break-word;hyphens:auto}
h2{font-size:1.3rem}
.promises{padding-left:1.2rem}
.promises li{margin:.25rem 0}
.emergency{font-weight:600}
.notice{padding:.75rem;border:2px solid #b26a00;background:#fff6e5;border-radius:.5rem}
.notice h2:first-child{margin-top:0}
fieldset{border:0;margin:1.5rem 0 0;padding:0;min-width:0}
legend,label.q{display:block;font-weight:700;font-size:1.15rem;margin:1.5rem 0 .25rem;padding:0}
fieldset legend{margin-top:0}
.req{font-weight:400;color:#555;font-size:.95rem}
.hint{margin:.1rem 0 .5rem;color:#444;font-size:1rem}
.choice{position:relative;margin:.4rem 0}
.choice input{position:absolute;top:.95rem;left:.8rem;width:1.5rem;height:1.5rem;margin:0}
.choice label{display:block;overflow-wrap:anywhere;min-height:48px;padding:.7rem .8rem .7rem 3rem;border:2px solid #999;border-radius:.6rem;cursor:pointer}
.choice input:checked+label{border-color:#0b4f9c;background:#eaf2fc}
.choice input:focus-visible+label{outline:3px solid #0b4f9c;outline-offset:2px}
.choice .help{display:block;font-size:.95rem;color:#444}
select,input[type=text],input[type=password],textarea{display:block;width:100%;min-height:48px;padding:.6rem;font:inherit;border:2px solid #666;border-radius:.5rem;background:#fff;color:inherit}
textarea{resize:vertical}
select:focus,input:focus,textarea:focus{outline:3px solid #0b4f9c;outline-offset:1px}
a:focus-visible,button:focus-visible,[tabindex]:focus-visible{outline:3px solid #0b4f9c;outline-offset:2px}
.exit:focus-visible{outline-color:#1a1a1a}
[aria-invalid=true]{border-color:#b00020}
fieldset[aria-invalid=true]{border-left:4px solid #b00020;padding-left:.6rem}
.choice [aria-invalid=true]+label{border-color:#b00020}
.send{display:block;width:100%;min-height:56px;margin:1.5rem 0 .5rem;font:inherit;font-weight:700;font-size:1.2rem;color:#fff;background:#0b4f9c;border:0;border-radius:.6rem;overflow-wrap:anywhere}
.send:disabled{background:#777}
.status{min-height:1.5rem;color:#333}
.errors{padding:.75rem;border:2px solid #b00020;border-radius:.5rem;background:#fdecee}
.errors:focus{outline:3px solid #b00020}
.errors ul{margin:.25rem 0 0;padding-left:1.2rem}
.receipt{padding:1rem .75rem;border:3px solid #1b7a3a;border-radius:.75rem;background:#eef8f1}
.receipt h1{font-size:1.3rem;margin:0 0 .5rem}
.receipt h1 .code{display:block;margin-top:.5rem}
.receipt h1:focus{outline:3px solid #1b7a3a;outline-offset:4px}
.code{font:700 clamp(1rem,4.6vw,1.6rem)/1.3 ui-monospace,Roboto Mono,Menlo,monospace;padding:.6rem .25rem;background:#fff;border:2px dashed #1b7a3a;border-radius:.5rem;text-align:center;user-select:all}
.fixed{font-weight:700}
.constancia-text{font-size:.85rem;font-weight:400;word-break:break-all;text-align:left}
.constancia .qr{display:block;width:240px;height:240px;margin:.5rem 0;background:#fff;image-rendering:pixelated}
ul.sides{list-style:none;padding:0;margin:.25rem 0}
.links a{display:flex;align-items:center;min-height:48px;padding:.25rem 0}
.thread{list-style:none;padding:0}
.sent-text{white-space:pre-wrap;overflow-wrap:anywhere}
.thread li{margin:.75rem 0;padding:.75rem;border:1px solid #bbb;border-radius:.5rem;background:#fafafa}
.thread .who{display:block;font-weight:700;font-size:.95rem;color:#333}
.thread .text{white-space:pre-wrap;overflow-wrap:anywhere}
.thread .warning{margin:.25rem 0;padding:.4rem .6rem;border-left:4px solid #b3261e;background:#fdecea;color:#5f1410;font-weight:700}
.secondary{display:inline-block;min-height:48px;padding:.7rem 1rem;margin-top:1rem;font:inherit;border:2px solid #0b4f9c;border-radius:.6rem;background:#fff;color:#0b4f9c}
.attachments{list-style:none;padding:0}
.attachment{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0;padding:.5rem;border:1px solid #999;border-radius:.5rem}
.attachment img{max-width:100%;max-height:14rem;display:block}
.attachment .name{font-weight:600;overflow-wrap:anywhere}
.attachment .note{color:#1b5e20;font-size:.95rem}
.attachment .warning{color:#7a4b00;font-size:.95rem}
.filepicker{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);border:0;opacity:0}
.filepick{display:flex;align-items:center;justify-content:center;min-height:48px;margin:.5rem 0;padding:.6rem 1rem;font-weight:600;text-align:center;border:2px dashed #0b4f9c;border-radius:.6rem;color:#0b4f9c;background:#fff;cursor:pointer;overflow-wrap:anywhere}
.filepicker:focus-visible+.filepick{outline:3px solid #0b4f9c;outline-offset:2px}
progress{display:block;width:100%;height:1.5rem}
[hidden]{display:none!important}
@media (min-width:48rem){body{font-size:1.05rem}}
`;

/**
 * The one rule pages get where scripts do not run (inside <noscript> in the head, allowed by its
 * own hash): what only works with a script, such as the report form, is not shown at all.
 */
export const NO_SCRIPT_STYLESHEET = '.needs-script{display:none!important}';
