"""`assistant` — the command line, a thin layer over `assistant.Assistant`.

Heavy libraries load only inside the command that needs them, so `--help` and a
cold `assistant ask` stay fast. Everything it prints is Chinese, click's own
headings and usage errors included.
"""

from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

import click

from assistant.errors import AssistantError

# click's own words, as this CLI shows them.
_HEADINGS = {"Usage:": "用法:", "Options": "选项", "Commands": "命令", "Arguments": "参数"}
CONTEXT = {"help_option_names": ["-h", "--help"]}
# Options every command takes, before or after the command's name.
GLOBAL_OPTIONS = ("--home",)


class _Formatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=_HEADINGS["Usage:"] + " ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(_HEADINGS.get(heading, heading))


class _Context(click.Context):
    formatter_class = _Formatter


def _usage_error_text(exc: click.UsageError) -> str:
    """click's usage errors in Chinese; the option or argument they name is kept as written."""
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        return f"缺少参数 {exc.param.get_error_hint(exc.ctx) if exc.ctx else exc.param.name}"
    if isinstance(exc, click.NoSuchOption):
        return f"没有这个选项:{exc.option_name}"
    if isinstance(exc, click.BadOptionUsage):
        return f"选项 {exc.option_name} 用法不对"
    if isinstance(exc, click.BadParameter):
        hint = exc.param.get_error_hint(exc.ctx) if exc.param is not None and exc.ctx else ""
        return f"参数 {hint} 的值不对:{exc.message}"
    message = exc.format_message()
    command = re.match(r"No such command '(.+?)'", message)
    if command:
        return f"没有这个命令:{command.group(1)}"
    return f"用法不对:{message}"


def hoist_global_options(args: list[str]) -> list[str]:
    """`assistant ask Q --home DIR` means `assistant --home DIR ask Q`: global options move to the front."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg in GLOBAL_OPTIONS and i + 1 < len(args):
            front += args[i : i + 2]
            i += 2
            continue
        if any(arg.startswith(option + "=") for option in GLOBAL_OPTIONS):
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


class _Command(click.Command):
    context_class = _Context

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


# Terminal escape sequences (CSI, OSC, and the other ESC forms), then any control or format
# character left: titles and texts come from files anyone may have written, and must not
# move the cursor, retitle the window or hide text when printed.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])|\x9b[0-?]*[ -/]*[@-~]")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` without terminal escapes and control characters (newlines and tabs kept)."""
    return _UNPRINTABLE.sub("", _ESCAPES.sub("", str(text)))


def echo(text: str = "", **kwargs) -> None:
    click.echo(printable(text), **kwargs)


class _Group(click.Group):
    """Turns the errors a user can cause into one Chinese line and a non-zero exit, never a traceback."""

    context_class = _Context
    command_class = _Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx, args):
        return super().parse_args(ctx, hoist_global_options(list(args)))

    def main(self, *args, **kwargs):
        kwargs["standalone_mode"] = False  # so that click's own errors reach the Chinese texts below
        try:
            code = super().main(*args, **kwargs)
        except click.UsageError as exc:
            if exc.ctx is not None:
                click.echo(exc.ctx.get_usage(), err=True)
            click.echo(f"错误:{_usage_error_text(exc)}(用 --help 查看用法)", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            echo(f"错误:{exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("已中断", err=True)
            sys.exit(130)
        # click returns the exit code of `ctx.exit` (and of --help, --version) instead of exiting.
        if isinstance(code, int) and code:
            sys.exit(code)
        return code

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AssistantError as exc:
            echo(f"错误:{' '.join(str(exc).split())}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            echo("已中断", err=True)
            ctx.exit(130)


def _help_option(f):
    return click.help_option("-h", "--help", help="显示本帮助并退出。")(f)


def _command(**kwargs):
    """A subcommand with the Chinese help option."""

    def decorate(f):
        return main.command(context_settings=CONTEXT, add_help_option=False, **kwargs)(_help_option(f))

    return decorate


def _assistant(ctx):
    from assistant.api import Assistant

    return Assistant(home=ctx.obj.get("home"))


def _ingest_sample(bot) -> None:
    from assistant.progress import progress_bar

    report = bot.ingest_sample_if_empty(progress=progress_bar())
    if report is not None:
        echo(report.summary(), err=True)


@click.group(cls=_Group, context_settings=CONTEXT, add_help_option=False)
@_help_option
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), envvar="ASSISTANT_HOME",
              help="存放通报库的文件夹(默认:$ASSISTANT_HOME 或 ~/.tongbao-wenda);可写在命令之前或之后。")
@click.version_option(package_name="tongbao-wenda", message="%(prog)s %(version)s", help="显示版本并退出。")
@click.pass_context
def main(ctx, home):
    """通报问答:向中文通报提问,得到确切数字、原文引文和所在章节。"""
    ctx.ensure_object(dict)
    ctx.obj["home"] = home


@_command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True,
              help="用这个文件替换编号相同的已导入通报(默认:内容不同的通报另存一份,不覆盖)。")
@click.pass_context
def ingest(ctx, paths, replace):
    """导入通报文件或装有通报的文件夹:.txt .md .html .docx .pdf(UTF-8、GB18030/GBK、Big5、UTF-16;扫描件需 OCR 扩展)。"""
    from assistant.progress import progress_bar

    report = _assistant(ctx).ingest(*paths, progress=progress_bar(), replace=replace)
    echo(report.summary())


@_command()
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@click.pass_context
def docs(ctx, as_json):
    """列出已导入的通报。"""
    records = _assistant(ctx).documents()
    if as_json:  # JSON escapes control characters itself
        # places and events as lists, not the JSON strings the catalog has to keep them in
        rows = [{**r.to_dict(), "places": [p.__dict__ for p in r.context().places],
                 "events": [e.__dict__ for e in r.context().events]} for r in records]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not records:
        echo("还没有导入任何通报(试试:assistant ingest 文件)")
    for r in records:
        places = "/".join(p.name for p in r.context().places)
        fields = (r.doc_id, r.short_name or r.title, r.title, f"发文机关:{r.issuer or '-'}", f"地点:{places or '-'}",
                  r.signed_on or r.published_on, f"{r.sections} 个章节", f"{r.nodes} 个段落")
        echo("\t".join(printable(f).replace("\t", " ").replace("\n", " ") for f in fields))


@_command()
@click.argument("doc_id")
@click.pass_context
def remove(ctx, doc_id):
    """按编号删除一份已导入的通报(编号见 `assistant docs`)。"""
    record = _assistant(ctx).remove(doc_id)
    echo(f"已删除 {record.doc_id}(《{record.title}》)")


@_command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出回答的各个字段。")
@click.option("--doc", "doc_ids", multiple=True, metavar="DOC_ID",
              help="只在这份通报中查找(编号见 `assistant docs`;可重复,指定多份)。")
@click.pass_context
def ask(ctx, question, as_json, doc_ids):
    """提一个问题;库为空时先导入自带的通报。"""
    started = time.perf_counter()
    bot = _assistant(ctx)
    _ingest_sample(bot)
    answer = bot.ask(question, doc_ids=doc_ids or None)
    if as_json:
        data = answer.to_dict()
        data["total_ms"] = round((time.perf_counter() - started) * 1000, 1)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from assistant.render import answer_as_text, answerer_label

    echo(answer_as_text(answer))
    echo(f"({answerer_label(answer.answerer)}回答,用时 {answer.elapsed_ms:.0f} 毫秒,"
               f"连同启动共 {(time.perf_counter() - started):.2f} 秒)", err=True)


@_command()
@click.option("--doc", "doc_ids", multiple=True, metavar="DOC_ID",
              help="只在这份通报中查找(编号见 `assistant docs`;可重复,指定多份)。")
@click.pass_context
def chat(ctx, doc_ids):
    """在终端里对话;追问会沿用前面说过的内容。"""
    from assistant.answer import Answer
    from assistant.render import answerer_label, citations_as_text

    bot = _assistant(ctx)
    _ingest_sample(bot)
    conversation = bot.chat(doc_ids=doc_ids or None)
    echo(f"通报问答({answerer_label(bot.answerer_name)})。输入问题;/new 开始新对话,/quit 退出。")
    while True:
        try:
            question = click.prompt("问", prompt_suffix="> ")
        except (EOFError, click.Abort):
            click.echo()
            return
        if question.strip() in ("/quit", "/exit"):
            return
        if question.strip() == "/new":
            conversation.reset()
            continue
        try:
            for event in conversation.stream(question):
                if isinstance(event, Answer):
                    echo("\n")
                    echo(citations_as_text(event) + "\n")
                else:
                    echo(event, nl=False)
        except AssistantError as exc:
            echo(f"错误:{' '.join(str(exc).split())}", err=True)


@_command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听的地址。非本机地址须先设置 ASSISTANT_WEB_USER 与 ASSISTANT_WEB_PASSWORD(登录口令)。")
@click.option("--port", default=7860, show_default=True, type=int, help="监听的端口。")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="离线回答用的工作进程数(默认:每个 CPU 核一个,多人同时提问时用满全部核;0:在网页进程内回答)。")
@click.pass_context
def web(ctx, host, port, workers):
    """启动问答网页(离线:不发统计数据,不开公网分享链接)。"""
    from assistant.api import Assistant
    from assistant.config import Settings
    from assistant.pool import available_cores
    from assistant.web import serve

    settings = Settings.from_env(home=ctx.obj.get("home"))
    if workers is None:
        workers = settings.answer_workers or available_cores()
    serve(Assistant(settings=replace(settings, answer_workers=workers)), host=host, port=port)


@_command()
@click.argument("doc_id")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, path_type=Path), help="把表格写成 CSV 文件(UTF-8,Excel 可直接打开)。")
@click.option("--xlsx", "xlsx_out", type=click.Path(dir_okay=False, path_type=Path), help="把表格写成 Excel 文件(.xlsx)。")
@click.pass_context
def figures(ctx, doc_id, csv_out, xlsx_out):
    """列出一份通报中的全部数字:数值、指的是什么、所在章节、原文引文。"""
    from assistant.notice_figures import figure_rows, write_csv, write_xlsx

    rows = figure_rows(_assistant(ctx), doc_id)
    if csv_out:
        write_csv(rows, csv_out)
        echo(f"已写出 {len(rows)} 行:{csv_out}", err=True)
    if xlsx_out:
        write_xlsx(rows, xlsx_out)
        echo(f"已写出 {len(rows)} 行:{xlsx_out}", err=True)
    if not (csv_out or xlsx_out):
        for row in rows:
            echo(f"{row.figure}\t{row.kind}\t{row.counts or '-'}\t{row.section}\t「{row.quote}」")


@_command(name="eval")
@click.option("--set", "set_paths", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="评测集(.jsonl);默认:eval/sets 下的全部评测集。")
@click.option("--answerer", type=click.Choice(["offline", "llm"]), default="offline", show_default=True,
              help="回答引擎:离线(offline)或大模型(llm)。")
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="JSON 报告写到这里。")
@click.option("--chart", type=click.Path(path_type=Path), help="PNG 图表写到这里。")
@click.option("--scope", type=click.Choice(["notice", "store"]), default="notice", show_default=True,
              help="notice:每题只问它所属的通报;store:全部通报在一个库里,由问题自己找到通报。")
@click.option("--heldout", is_flag=True, help="只跑 eval/heldout 下留出的评测集(只用于确认,不用于开发)。")
@click.option("--faults", is_flag=True,
              help="与 --answerer llm 同用:在本机回环上启动脚本化的大模型,逐类注入错误,打印每类错误被拦下的比例(无需配置模型)。")
@click.pass_context
def eval_command(ctx, set_paths, answerer, json_out, chart, scope, heldout, faults):
    """运行回答准确率评测,按题型打印结果表。"""
    if faults:
        from eval.llm_faults import main as run_faults

        home = ctx.obj.get("home")
        ctx.exit(run_faults(["--home", str(Path(home) / "llm-faults")] if home else []))
    from eval.runner import run_cli

    run_cli(home=ctx.obj.get("home"), set_paths=list(set_paths), answerer=answerer, json_out=json_out, chart=chart,
            scope=scope, heldout=heldout)


@_command()
@click.option("--quick", is_flag=True, help="少跑几轮、少几种规模(供持续集成用)。")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("bench-output"), show_default=True,
              help="结果(bench.json、bench.png)写到这个文件夹。")
@click.pass_context
def bench(ctx, quick, out):
    """性能测试:导入、回答延迟、内存、增长到 1000 份通报。"""
    from eval.bench import run_cli

    run_cli(quick=quick, out=out)


if __name__ == "__main__":
    main()
