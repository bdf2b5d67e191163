"""`assistant` — the command line, a thin layer over `assistant.Assistant`.

Heavy libraries load only inside the command that needs them, so `--help` and a
cold `assistant ask` stay fast.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import click

from assistant.errors import AssistantError

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
    """Turns the errors a user can cause into one line and a non-zero exit, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AssistantError as exc:
            echo(f"错误:{' '.join(str(exc).split())}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            echo("已中断", err=True)
            ctx.exit(130)


def _progress_bar():
    """A progress hook that draws one tqdm bar per notice being embedded."""
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def hook(title: str, done: int, total: int) -> None:
        bar = bars.get(title)
        if bar is None:
            bar = bars[title] = tqdm(total=total, desc=f"嵌入 {printable(title)[:24]}", unit="段", file=sys.stderr)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return hook


def _assistant(ctx):
    from assistant.api import Assistant

    return Assistant(home=ctx.obj.get("home"))


@click.group(cls=_Group)
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), envvar="ASSISTANT_HOME",
              help="Folder of the store (default: $ASSISTANT_HOME or ~/.tongbao-wenda).")
@click.version_option(package_name="tongbao-wenda")
@click.pass_context
def main(ctx, home):
    """通报问答: ask Chinese official notices for exact figures, with quotes and section paths."""
    ctx.ensure_object(dict)
    ctx.obj["home"] = home


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True,
              help="Put each file in the place of the stored notice with its id (by default a different notice is added beside it).")
@click.pass_context
def ingest(ctx, paths, replace):
    """Ingest notice files (.txt .md .html, UTF-8 or GB18030) or folders of them."""
    report = _assistant(ctx).ingest(*paths, progress=_progress_bar(), replace=replace)
    echo(report.summary())


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def docs(ctx, as_json):
    """List the ingested notices."""
    records = _assistant(ctx).documents()
    if as_json:  # JSON escapes control characters itself
        click.echo(json.dumps([r.to_dict() for r in records], ensure_ascii=False, indent=2))
        return
    if not records:
        echo("还没有导入任何通报(试试:assistant ingest 文件)")
    for r in records:
        fields = (r.doc_id, r.title, r.signed_on or r.published_on, f"{r.sections} 个章节", f"{r.nodes} 个段落")
        echo("\t".join(printable(f).replace("\t", " ").replace("\n", " ") for f in fields))


@main.command()
@click.argument("doc_id")
@click.pass_context
def remove(ctx, doc_id):
    """Remove an ingested notice by its id (see `assistant docs`)."""
    record = _assistant(ctx).remove(doc_id)
    echo(f"已删除 {record.doc_id}(《{record.title}》)")


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the Answer's fields as JSON.")
@click.option("--doc", "doc_ids", multiple=True, help="Only search this notice (repeatable).")
@click.pass_context
def ask(ctx, question, as_json, doc_ids):
    """Ask one question; the bundled notice is ingested first if the store is empty."""
    started = time.perf_counter()
    bot = _assistant(ctx)
    bot.ingest_sample_if_empty(progress=_progress_bar())
    answer = bot.ask(question, doc_ids=doc_ids or None)
    if as_json:
        data = answer.to_dict()
        data["total_ms"] = round((time.perf_counter() - started) * 1000, 1)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from assistant.render import answer_as_text

    echo(answer_as_text(answer))
    echo(f"({answer.answerer},回答用时 {answer.elapsed_ms:.0f} 毫秒,共 {(time.perf_counter() - started):.2f} 秒)", err=True)


@main.command()
@click.option("--doc", "doc_ids", multiple=True, help="Only search this notice (repeatable).")
@click.pass_context
def chat(ctx, doc_ids):
    """A conversation in the terminal; follow-up questions use what was said before."""
    from assistant.answer import Answer
    from assistant.render import citations_as_text

    bot = _assistant(ctx)
    bot.ingest_sample_if_empty(progress=_progress_bar())
    conversation = bot.chat(doc_ids=doc_ids or None)
    echo(f"通报问答({bot.answerer_name})。输入问题;/new 开始新对话,/quit 退出。")
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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=7860, show_default=True, type=int, help="Port to serve on.")
@click.pass_context
def web(ctx, host, port):
    """Serve the chat page (offline: no analytics, no share link)."""
    from assistant.web import serve

    serve(_assistant(ctx), host=host, port=port)


@main.command(name="eval")
@click.option("--set", "set_paths", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Eval set (.jsonl); default: every set under eval/sets.")
@click.option("--answerer", type=click.Choice(["offline", "llm"]), default="offline", show_default=True)
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write the JSON report here.")
@click.option("--chart", type=click.Path(path_type=Path), help="Write the PNG chart here.")
@click.pass_context
def eval_command(ctx, set_paths, answerer, json_out, chart):
    """Run the answer-accuracy eval and print a per-kind table."""
    from eval.runner import run_cli

    run_cli(home=ctx.obj.get("home"), set_paths=list(set_paths), answerer=answerer, json_out=json_out, chart=chart)


@main.command()
@click.option("--quick", is_flag=True, help="Fewer runs and corpus sizes (for CI).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("bench-output"), show_default=True)
@click.pass_context
def bench(ctx, quick, out):
    """Benchmarks: ingest, answer latency, memory, growth to 1,000 notices."""
    from eval.bench import run_cli

    run_cli(quick=quick, out=out)


if __name__ == "__main__":
    main()
