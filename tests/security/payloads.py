"""Hostile text for every field a person or an import file can fill: the kinds of the OWASP XSS
filter-evasion cheat sheet, plus Markdown's own ways to make a link.

Each payload, if it ran, would call `alert(1)` (a dialog) or set `window.__xss`: both are
observable in a real browser. None is longer than 100 characters, the shortest limit of the
text fields they go into (咨询电话); the few fields limited to 50 (事项编码, 条线名称) take
only the payloads that fit.
"""

PAYLOADS = {
    # Plain tags.
    "script-tag": "<script>alert(1)</script>",
    "script-mixed-case": "<ScRiPt>window.__xss=1</sCrIpT>",
    "script-src-data": '<script src="data:text/javascript,alert(1)"></script>',
    "script-nested-split": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "script-unclosed-lt": "<<script>alert(1);//<</script>",
    # Event handlers.
    "img-onerror": "<img src=x onerror=alert(1)>",
    "img-onerror-entity-code": '<img src="x" onerror="&#97;lert(1)">',
    "img-onerror-slash": "<img/src=x/onerror=window.__xss=1>",
    "svg-onload": "<svg onload=alert(1)>",
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "svg-xlink": '<svg><a xlink:href="javascript:alert(1)"><text y="20">x</text></a></svg>',
    "body-onload": "<body onload=alert(1)>",
    "input-autofocus": "<input autofocus onfocus=alert(1)>",
    "details-ontoggle": "<details open ontoggle=alert(1)>",
    # Frames, objects and other ways to run or load script.
    "iframe-javascript": '<iframe src="javascript:alert(1)"></iframe>',
    "iframe-srcdoc": '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "object-embed": (
        '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">'
    ),
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base-href": '<base href="javascript:alert(1)//">',
    "form-action": '<form action="javascript:alert(1)"><button>提交</button></form>',
    # Styles.
    "style-import": '<style>@import "javascript:alert(1)";</style>',
    "style-attribute-url": '<div style="background:url(javascript:alert(1))">x</div>',
    # Links whose scheme hides behind entities, tabs, newlines and case.
    "a-javascript": '<a href="javascript:alert(1)">点击</a>',
    "a-javascript-case": '<a href="JaVaScRiPt:alert(1)">点击</a>',
    "a-tab-entity": '<a href="jav&#x09;ascript:alert(1)">点击</a>',
    "a-newline-entity": '<a href="jav&#x0A;ascript:alert(1)">点击</a>',
    "a-decimal-entity": '<a href="&#106;avascript:alert(1)">点击</a>',
    "a-hex-entities": (
        '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)">x</a>'
    ),
    "a-named-colon": '<a href="javascript&colon;alert(1)">点击</a>',
    "a-literal-tab": '<a href="java\tscript:alert(1)">点击</a>',
    "a-literal-newline": '<a href="java\nscript:alert(1)">点击</a>',
    "a-leading-control": '<a href=" &#14;  javascript:alert(1)">点击</a>',
    "a-vbscript": '<a href="vbscript:msgbox(1)">点击</a>',
    "a-data-html": ('<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>'),
    # Parser confusion (mutation XSS).
    "math-mglyph-style": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "noscript-title": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    # Markdown's links, images and autolinks.
    "md-link-javascript": "[点我](javascript:alert(1))",
    "md-link-entity": "[点我](&#106;avascript:alert(1))",
    "md-link-tab": "[点我](java\tscript:alert(1))",
    "md-image-javascript": "![图](javascript:alert(1))",
    "md-image-onerror": '![x" onerror="alert(1)](x)',
    "md-autolink": "<javascript:alert(1)>",
    "md-reference": "[点我][x]\n\n[x]: javascript:alert(1)",
    "md-link-data-html": "[点我](data:text/html,<script>alert(1)</script>)",
    # Breaking out of an attribute or an element the text lands in.
    "attribute-breakout": '"><script>alert(1)</script>',
    "single-quote-breakout": "'><img src=x onerror=alert(1)>",
    "textarea-breakout": "</textarea><script>alert(1)</script>",
    "title-breakout": "</title><script>alert(1)</script>",
    "xss-locator": "'';!--\"<XSS>=&{()}",
    # Entities and Unicode that a careless decode would turn into markup.
    "escaped-entities": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "double-escaped": "&amp;lt;img src=x onerror=alert(1)&amp;gt;",
    "fullwidth-brackets": "＜script＞alert(1)＜/script＞",
    "zero-width-scheme": '<a href="java\u200bscript:alert(1)">点击</a>',
    "rtl-override": "\u202e<img src=x onerror=alert(1)>\u202c",
    "js-unicode-escapes": r"\u003cscript\u003ealert(1)\u003c/script\u003e",
    "unclosed-tag": "<img src=x onerror=alert(1)//",
}
