"""`assistant` — the command line, a thin layer over `assistant.Assistant`.

Heavy libraries load only inside the command that needs them, so `--help` and a
cold `assistant ask` stay fast.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from assistant.errors import AssistantError


class _Group(click.Group):
    """Turns the errors a user can cause into one line and a non-zero exit, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AssistantError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


def _progress_bar():
    """A progress hook that draws one tqdm bar per notice being embedded."""
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def hook(title: str, done: int, total: int) -> None:
        bar = bars.get(title)
        if bar is None:
            bar = bars[title] = tqdm(total=total, desc=f"embedding {title[:24]}", unit="passage", file=sys.stderr)
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
@click.pass_context
def ingest(ctx, paths):
    """Ingest notice files (.txt .md .html, UTF-8 or GB18030) or folders of them."""
    report = _assistant(ctx).ingest(*paths, progress=_progress_bar())
    click.echo(report.summary())


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def docs(ctx, as_json):
    """List the ingested notices."""
    records = _assistant(ctx).documents()
    if as_json:
        # places and events as lists, not the JSON strings the catalog has to keep them in
        rows = [{**r.to_dict(), "places": [p.__dict__ for p in r.context().places],
                 "events": [e.__dict__ for e in r.context().events]} for r in records]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not records:
        click.echo("no notices ingested yet (try: assistant ingest FILE)")
    for r in records:
        context = r.context()
        places = "/".join(p.name for p in context.places)
        click.echo(
            f"{r.doc_id}\t{r.short_name or r.title}\t{r.title}\t发文机关:{r.issuer or '-'}\t地点:{places or '-'}"
            f"\t{r.signed_on or r.published_on}\t{r.sections} sections\t{r.nodes} nodes"
        )


@main.command()
@click.argument("doc_id")
@click.pass_context
def remove(ctx, doc_id):
    """Remove an ingested notice by its id (see `assistant docs`)."""
    record = _assistant(ctx).remove(doc_id)
    click.echo(f"removed {record.doc_id} ({record.title})")


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

    click.echo(answer_as_text(answer))
    click.echo(f"({answer.answerer}, {answer.elapsed_ms:.0f} ms to answer, "
               f"{(time.perf_counter() - started):.2f} s in all)", err=True)


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
    click.echo(f"通报问答 ({bot.answerer_name}). 输入问题; /new 开始新对话, /quit 退出.")
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
                    click.echo("\n")
                    click.echo(citations_as_text(event) + "\n")
                else:
                    click.echo(event, nl=False)
        except AssistantError as exc:
            click.echo(f"error: {exc}", err=True)


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
@click.option("--scope", type=click.Choice(["notice", "store"]), default="notice", show_default=True,
              help="notice: each question limited to its notice; store: every notice in one store, found by the question.")
@click.option("--heldout", is_flag=True, help="The held-back sets under eval/heldout (confirmation only, never development).")
@click.pass_context
def eval_command(ctx, set_paths, answerer, json_out, chart, scope, heldout):
    """Run the answer-accuracy eval and print a per-kind table."""
    from eval.runner import run_cli

    run_cli(home=ctx.obj.get("home"), set_paths=list(set_paths), answerer=answerer, json_out=json_out, chart=chart,
            scope=scope, heldout=heldout)


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
