"""Invented notices wrapped in the site furniture of shared/FORMATS.md, as text exports and web pages.

Every place, body, figure and date here is fictional (南岭省 云溪市 临江区, 青禾县 …). The body
lines are what must come out of ingest exactly; everything else is furniture.
"""

from __future__ import annotations

import html

TITLE = "中共云溪市临江区委关于巡视整改进展情况的通报"
BODY = [
    "根据省委统一部署，2023年3月6日至5月12日，南岭省委第二巡视组对云溪市临江区进行了巡视。2023年7月20日，省委巡视组向临江区委反馈了巡视意见。现将巡视整改进展情况予以公布。",
    "一、提高政治站位，扛牢整改责任",
    "区委把巡视整改作为重大政治任务，成立整改工作领导小组，召开专题会议6次。",
    "（一）压实整改责任",
    "资金来源：区级财政统筹安排，全年投入整改资金2.35亿元。",
    "来源于群众的意见建议共计36条，已全部办结。",
    "分享经验做法12条，在全区推广。",
    "二、紧盯反馈问题，逐项整改落实",
    "1.针对重点项目推进缓慢问题。今年以来，全区重点项目完成投资48.6亿元，完成年度计划的103.2%。",
    "欢迎广大干部群众对巡视整改落实情况进行监督。联系电话：12388。",
    "中共云溪市临江区委",
    "2023年12月26日",
]
SITE = "临江区人民政府网"


def text_export_headers() -> str:
    """A page saved as text: menu words, the title three times (page title, breadcrumb, heading),
    a header line with empty labels, the tool bar, the date glued to the heading, a footer."""
    lines = [
        f"{TITLE}_{SITE}",
        "关怀版 无障碍",
        f"首页 > 信息公开 > 巡视巡察 > {TITLE}",
        f"{TITLE}(2024-01-05)",
        "发布时间:2024-01-05 11:16 作者: 信息来源:中共云溪市临江区委 浏览量:",
        "【字体:大 中 小】 打印 分享",
        *BODY,
        "附件:",
        "扫一扫在手机上查看当前页面",
        "主办单位:临江区人民政府办公室  承办单位:临江区政务服务数据管理局",
        "南ICP备12345678号-1",
    ]
    return "\n".join(lines) + "\n"


def text_export_date_first() -> str:
    """`日期:… 来源:… 浏览量:` then `来源:` alone, `访问量:`, blank lines between paragraphs."""
    lines = [
        TITLE,
        "",
        "日期:2023-12-28 来源:临江区委巡视整改办 浏览量:",
        "",
        "来源: 临江发布",
        "访问量:",
        "",
        *[line + "\n" for line in BODY],
        "【打印】 【关闭】",
    ]
    return "\n".join(lines)


def text_export_metadata_block(two_lines: bool, spaced: bool = False) -> str:
    """A government site's metadata block, label and value on one line (after a colon, or after
    blanks only: `信息索引号  1145…`) or on two, then 分享 朗读."""
    pairs = [
        ("信息索引号", "11450000/2024-00037"),
        ("文件名称", TITLE),
        ("发布机构", "中共云溪市临江区委"),
        ("成文日期", "2023-12-26"),
        ("公开方式", "主动公开"),
    ]
    if two_lines:
        block = [line for label, value in pairs for line in (label, value)]
    elif spaced:
        block = [f"{label}  {value}" for label, value in pairs]
    else:
        block = [f"{a}:{b}    {c}:{d}" for (a, b), (c, d) in zip(pairs[::2], pairs[1::2])] + [f"{pairs[-1][0]}:{pairs[-1][1]}"]
    return "\n".join([*block, "分享 朗读", "", TITLE, "", *BODY, ""])


def text_export_split_title() -> str:
    """The title once whole (the heading) and once split over two lines (the page's title bar)."""
    return "\n".join(["中共云溪市临江区委关于", "巡视整改进展情况的通报", "发布日期：2024年1月5日", TITLE, *BODY, ""])


def heavy_page() -> str:
    """A government web page with every kind of furniture around the notice."""
    body = "\n".join(
        f"<h3>{html.escape(line)}</h3>" if line[1:2] == "、" else f"<p>{html.escape(line)}</p>" for line in BODY
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{TITLE}_{SITE}</title>
<meta name="PubDate" content="2024-01-05 11:16">
<script>var _hmt = _hmt || [];</script>
</head><body>
<div class="topbar"><a href="/ga">关怀版</a> <a href="/wza">无障碍</a> <a href="/login">登录</a></div>
<div class="menu"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="crumb">当前位置:<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; {TITLE}</div>
<div class="content">
<table class="xxgk-meta">
<tr><td>信息索引号</td><td>11450000/2024-00037</td><td>发布机构</td><td>中共云溪市临江区委</td></tr>
<tr><td>文件名称</td><td colspan="3">{TITLE}</td></tr>
<tr><td>成文日期</td><td>2023-12-26</td><td>公开方式</td><td>主动公开</td></tr>
</table>
<div class="tools-top"><span>分享</span> <span>朗读</span></div>
<h1 class="title">{TITLE}(2024-01-05)</h1>
<div class="info">发布时间:2024-01-05 11:16&nbsp;&nbsp;作者:&nbsp;&nbsp;信息来源:中共云溪市临江区委&nbsp;&nbsp;浏览量:<span id="hits"></span></div>
<div class="font">【字体:<a>大</a> <a>中</a> <a>小</a>】 <a>打印</a> <a>分享</a></div>
<div class="article" id="zoom">
{body}
<p>附件:</p>
</div>
<div class="related"><h4>相关链接</h4><ul><li><a href="/a">中共云溪市临江区委关于巡察整改情况的通报</a></li><li><a href="/b">临江区2023年国民经济和社会发展统计公报</a></li></ul></div>
</div>
<div class="footer">
<p>扫一扫在手机上查看当前页面</p>
<p>主办单位:临江区人民政府办公室 承办单位:临江区政务服务数据管理局</p>
<p>南ICP备12345678号-1 南公网安备45010202000123号 网站标识码:4501020001</p>
</div>
</body></html>
"""
