"""Render a Report as an HTML page like a government CMS publishes it.

``render_html(report, *, encoding="utf-8", chrome=True, word_markup=False) -> bytes``

- ``chrome``: the report body sits inside a site page with navigation, header, footer, share
  bar, scripts and styles (what the HTML reader must strip);
- ``word_markup``: Word "save as web page" markup: every cell text in ``<p><span>`` with
  numbers and labels split over several spans, ``&nbsp;`` in blank cells, ``MsoNormal``
  classes;
- ``encoding``: the page's charset ("utf-8", "gbk", "gb2312", "gb18030"), declared in a
  ``<meta charset>``.
"""

from __future__ import annotations

from html import escape

from gsnlp.doc import Report
from gsnlp.render._layout import Layout, narrative, table_layout

_CHROME_HEAD = """<script type="text/javascript">var _hmt = _hmt || []; (function() { var hm = document.createElement("script");
hm.src = "https://hm.example.gov.cn/hm.js?0123456789"; document.getElementsByTagName("head")[0].appendChild(hm); })();
function share(to) { window.open('https://share.example.com/?to=' + to + '&title=' + document.title); }</script>
<style>body { font-family: "Microsoft YaHei"; } .nav li { float: left; } .TRS_Editor p { text-indent: 2em; }</style>"""

_CHROME_TOP = """<div class="top-bar"><div class="wrap">欢迎访问政府门户网站 | 无障碍浏览 | 长者模式 | 登录 | 注册</div></div>
<div class="header"><div class="logo"><img src="/images/logo.png" alt="政府门户网站"></div>
<div class="search"><form action="/search"><input name="q" value="请输入关键词"><button>搜索</button></form></div></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/zjxx/">走进本地</a></li></ul>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>"""

_CHROME_BOTTOM = """<div class="bdsharebuttonbox share">分享到：<a onclick="share('weixin')">微信</a><a onclick="share('weibo')">微博</a>
<a href="javascript:window.print()">【打印本页】</a><a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="related"><h3>相关链接</h3><ul><li><a href="/a.htm">2023年政府信息公开工作年度报告</a></li>
<li><a href="/b.htm">关于开展政务公开工作的通知</a></li></ul></div>"""

_CHROME_FOOT = """<div class="footer"><p>主办单位：某某人民政府办公室 承办单位：某某大数据中心</p>
<p>网站标识码：3500000001 ICP备案号：闽ICP备00000000号 公安机关备案号：35000000000000</p>
<p>联系电话：0591-00000000 建议使用1366×768分辨率浏览</p></div>
<script>document.write('<span id="visits">访问量：12345</span>');</script>"""


def _split(text: str) -> str:
    """Word's markup: a text cut into spans at arbitrary points (a number too)."""
    if len(text) < 2:
        return f"<span>{escape(text)}</span>"
    cut = max(1, len(text) // 2)
    return (f'<span style="font-family:宋体">{escape(text[:cut])}</span>'
            f'<span lang="EN-US" style="font-family:\'Times New Roman\'">{escape(text[cut:])}</span>')


def _table(layout: Layout, word_markup: bool) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="0" align="center" '
           'style="border-collapse:collapse;border:none;width:auto">' if not word_markup else
           '<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse">',
           "<tbody>"]
    for row in layout.rows:
        out.append("<tr>")
        for cell in row:
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            if word_markup:
                inner = "&nbsp;" if not cell.text else _split(cell.text)
                body = f'<p class="MsoNormal" align="center" style="text-align:center">{inner}</p>'
            else:
                body = escape(cell.text)
            out.append(f'<td valign="center"{attrs}>{body}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def render_html(report: Report, *, encoding: str = "utf-8", chrome: bool = True, word_markup: bool = False) -> bytes:
    """The report as an HTML page (bytes in ``encoding``)."""
    title = report.meta.title or "政府信息公开工作年度报告"
    body: list[str] = []
    for kind, value in narrative(report):
        if kind == "p":
            if word_markup:
                body.append(f'<p class="MsoNormal" style="text-indent:32pt">{_split(value)}</p>')
            else:
                body.append(f"<p>{escape(value)}</p>")
            continue
        layout = table_layout(report.tables[value])
        if layout is not None:
            body.append(_table(layout, word_markup))
    article = '<div class="article-body">\n' + "\n".join(body) + "\n</div>"
    charset = {"gbk": "gbk", "gb2312": "gb2312", "gb18030": "gb18030"}.get(encoding.lower(), "utf-8")
    head = (f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
            f'<meta name="ArticleTitle" content="{escape(title)}">\n<title>{escape(title)}_政府信息公开年报</title>')
    if chrome:
        page = (f"<!DOCTYPE html>\n<html>\n<head>\n{head}\n{_CHROME_HEAD}\n</head>\n<body>\n{_CHROME_TOP}\n"
                f'<div class="main"><div class="content"><h1 class="title">{escape(title)}</h1>\n'
                f'<div class="info">发布时间：{report.meta.published or ""} 来源：本站</div>\n{article}\n'
                f"{_CHROME_BOTTOM}</div></div>\n{_CHROME_FOOT}\n</body>\n</html>\n")
    else:
        page = f"<!DOCTYPE html>\n<html>\n<head>\n{head}\n</head>\n<body>\n{article}\n</body>\n</html>\n"
    return page.encode("gb18030" if charset != "utf-8" else "utf-8")
