"""The chat page: ask, see the figure, open its source passage, all on `Assistant`'s public API.

Each browser tab (and each `gradio_client.Client`) holds its own conversation in a
`gr.State`; nothing about a conversation lives at module level. The page never
reaches past 127.0.0.1: analytics, the version check and share links are off, and
the theme uses local fonts instead of Google Fonts.
"""

from __future__ import annotations

import html
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from assistant import config as _config  # noqa: F401  (the offline environment, before gradio is imported)

# The page itself promises no analytics, whatever the environment says.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_OFFLINE"] = "1"

import gradio as gr  # noqa: E402

from assistant.answer import Answer  # noqa: E402
from assistant.api import Assistant  # noqa: E402
from assistant.errors import AssistantError, NoticeError  # noqa: E402
from assistant.render import (  # noqa: E402
    answer_as_html,
    answerer_label,
    error_as_html,
    pending_answer_as_html,
    question_as_html,
)
from ingest.readers import SUPPORTED_SUFFIXES  # noqa: E402
from ingest.store import NoticeRecord  # noqa: E402

STYLE_PATH = Path(__file__).resolve().parent / "static" / "chat.css"
NOTICE_FILE_TYPES = list(SUPPORTED_SUFFIXES)
# Questions the bundled notice answers, one of each kind a first-time user might try.
EXAMPLE_QUESTIONS = [
    "2020年全区重点项目完成投资多少?",
    "省委巡视组什么时候反馈了巡视意见?",
    "“拿地即动工”改革试点的审批时间压减到多少个工作日?",
    "高明区2020年的GDP是多少?",
]
LOCAL_FONTS = ["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "system-ui", "sans-serif"]
LOCAL_MONO_FONTS = ["Noto Sans Mono CJK SC", "ui-monospace", "monospace"]


@dataclass(frozen=True)
class Turn:
    """One question and its answer: the text the answerer sees as history, the HTML the page shows."""

    question: str
    answer_text: str
    answer_html: str


def conversation_history(turns: list[Turn]) -> list[dict]:
    """The turns as `Assistant.stream` takes them, so follow-ups resolve against what was said."""
    history = []
    for turn in turns:
        history.append({"role": "user", "content": turn.question})
        history.append({"role": "assistant", "content": turn.answer_text})
    return history


def chat_messages(turns: list[Turn]) -> list[dict]:
    messages = []
    for turn in turns:
        messages.append({"role": "user", "content": question_as_html(turn.question)})
        messages.append({"role": "assistant", "content": turn.answer_html})
    return messages


def notices_as_html(records: list[NoticeRecord]) -> str:
    if not records:
        return '<div class="tb-docs tb-docs-empty">还没有收录任何通报。请在下方添加一份通报文件。</div>'
    cards = []
    for r in records:
        date = r.signed_on or r.published_on or "日期不详"
        cards.append(
            f'<div class="tb-doc"><div class="tb-doc-title">{html.escape(r.title)}</div>'
            f'<div class="tb-doc-meta">{html.escape(date)} · {r.sections} 个章节 · {r.nodes} 个段落</div>'
            f'<div class="tb-doc-id">{html.escape(r.doc_id)}</div></div>'
        )
    return f'<div class="tb-docs">{"".join(cards)}</div>'


def _status_html(kind: str, message: str) -> str:
    return f'<div class="tb-status tb-status-{kind}">{html.escape(message)}</div>'


def _header_html(answerer_name: str) -> str:
    llm = answerer_name.startswith("llm:")
    note = "数字经原文核对" if llm else "不调用大模型,数字直接摘自原文"
    return (
        '<div class="tb-header"><div><h1>通报问答</h1>'
        '<p>向已收录的通报提问:回答给出确切数字,并注明出自哪一节。点开出处即可对照原文。</p></div>'
        f'<div class="tb-engine" title="{html.escape(answerer_name)}">回答引擎:<b>{html.escape(answerer_label(answerer_name))}</b>'
        f"<span>{note}</span></div></div>"
    )


_PLACEHOLDER = (
    '<div class="tb-welcome"><b>从一个问题开始</b>'
    "<p>例如某项工作完成了多少、什么时候、比例是多少。追问时可以直接说“那……呢?”。</p></div>"
)

_TIPS = (
    '<ul class="tb-tips">'
    "<li>回答只摘自已收录的通报;通报里找不到时,会标明“通报未载明”。</li>"
    "<li>点开出处,可看到原文段落,引用的句子以黄色标出。</li>"
    "<li>追问会沿用前面的对话;点“新对话”重新开始。</li>"
    "</ul>"
)


def build_app(assistant: Assistant) -> gr.Blocks:
    """The page, wired to one `Assistant`. Launch it with `launch` to get its style and offline settings."""

    def ask(question: str, turns: list[Turn]):
        question = (question or "").strip()
        if not question:
            yield chat_messages(turns), turns, ""
            return
        shown = chat_messages(turns) + [{"role": "user", "content": question_as_html(question)}]
        yield shown + [{"role": "assistant", "content": pending_answer_as_html("")}], turns, ""
        text = ""
        answer: Answer | None = None
        try:
            for event in assistant.stream(question, history=conversation_history(turns)):
                if isinstance(event, Answer):
                    answer = event
                else:
                    text += event
                    yield shown + [{"role": "assistant", "content": pending_answer_as_html(text)}], turns, ""
            answer_html = answer_as_html(answer, assistant.notice_text)
        except AssistantError as exc:
            gr.Warning(html.escape(str(exc)), title="无法回答")  # toasts render HTML
            # Shown once, not kept: the conversation holds only answered questions.
            yield shown + [{"role": "assistant", "content": error_as_html(str(exc))}], turns, question
            return
        turns = turns + [Turn(question, answer.text, answer_html)]
        yield chat_messages(turns), turns, ""

    def ask_example(turns: list[Turn], example: gr.SelectData):
        yield from ask(example.value["text"], turns)

    def new_conversation():
        return [], [], ""

    def list_notices():
        return notices_as_html(assistant.documents())

    def add_notice(file_path: str | None, progress=gr.Progress()):
        if not file_path:
            return gr.skip(), gr.skip(), None
        name = Path(file_path).name

        def report_progress(title: str, done: int, total: int) -> None:
            progress((done, total), desc=f"正在处理《{title}》", unit="段")

        progress(0, desc=f"正在读取 {name}")
        try:
            report = assistant.ingest(file_path, progress=report_progress)
        except AssistantError as exc:
            reason = exc.reason if isinstance(exc, NoticeError) else str(exc)
            message = f"未能添加「{name}」:{reason}。已收录的通报没有改变。"
            gr.Warning(html.escape(message), title="未能添加通报")
            return list_notices(), _status_html("error", message), None
        notice = report.notices[0]
        verb = {"added": "已添加", "replaced": "已更新", "unchanged": "已收录过,内容没有变化:"}[notice.status]
        message = f"{verb}《{notice.title}》,{notice.sections} 个章节,{notice.nodes} 个段落。"
        return list_notices(), _status_html("ok", message), None

    with gr.Blocks(title="通报问答", analytics_enabled=False, fill_width=True) as app:
        turns = gr.State([])
        gr.HTML(_header_html(assistant.answerer_name))
        with gr.Row(equal_height=False):
            with gr.Column(scale=7, min_width=420):
                chatbot = gr.Chatbot(
                    label="对话",
                    show_label=False,
                    elem_id="tb-chat",
                    height="66vh",
                    placeholder=_PLACEHOLDER,
                    examples=[{"text": q} for q in EXAMPLE_QUESTIONS],
                    sanitize_html=True,
                    latex_delimiters=[],
                    buttons=["copy"],
                    feedback_options=None,
                    group_consecutive_messages=False,
                )
                with gr.Row():
                    question = gr.Textbox(
                        show_label=False,
                        placeholder="输入问题,按回车发送。例如:2020年全区重点项目完成投资多少?",
                        elem_id="tb-question",
                        max_lines=4,
                        scale=8,
                        autofocus=True,
                        submit_btn="提问",
                    )
                    new = gr.Button("新对话", elem_id="tb-new", scale=1, min_width=96)
            with gr.Column(scale=3, min_width=280, elem_id="tb-side"):
                gr.HTML('<div class="tb-side-title">已收录的通报</div>')
                # Opens the store now, so a broken one fails at start and not in the first request.
                notices = gr.HTML(list_notices(), elem_id="tb-notices")
                upload = gr.File(
                    label=f"添加通报文件({' '.join(NOTICE_FILE_TYPES)})",
                    file_types=NOTICE_FILE_TYPES,
                    file_count="single",
                    type="filepath",
                    elem_id="tb-upload",
                    height=120,
                )
                status = gr.HTML(elem_id="tb-status")
                gr.HTML(_TIPS)

        outputs = [chatbot, turns, question]
        question.submit(ask, [question, turns], outputs, api_name="ask", concurrency_id="answer", concurrency_limit=4)
        chatbot.example_select(ask_example, [turns], outputs, api_visibility="private", concurrency_id="answer")
        new.click(new_conversation, None, outputs, api_name="new_conversation", queue=False)
        chatbot.clear(new_conversation, None, outputs, api_visibility="private", queue=False)
        upload.upload(add_notice, [upload], [notices, status, upload], api_name="add_notice")
        app.load(list_notices, None, notices, api_name="notices")
    return app


def launch(app: gr.Blocks, host: str = "127.0.0.1", port: int = 7860) -> str:
    """Serve the page on host:port with its style, in the background; returns its URL.

    `app.block_thread()` waits until Ctrl+C; `app.close()` stops it.
    """
    theme = gr.themes.Soft(
        primary_hue="red",
        neutral_hue="slate",
        font=LOCAL_FONTS,
        font_mono=LOCAL_MONO_FONTS,
    )
    try:
        app.launch(
            server_name=host,
            server_port=port,
            share=False,
            inbrowser=False,
            prevent_thread_lock=True,
            quiet=True,
            ssr_mode=False,
            mcp_server=False,
            pwa=False,
            enable_monitoring=False,
            footer_links=["api", "settings"],
            theme=theme,
            css=STYLE_PATH.read_text(encoding="utf-8"),
        )
    except OSError as exc:
        raise AssistantError(f"cannot serve on {host}:{port} ({exc}); choose another --port") from exc
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860) -> None:
    """`assistant web`: ingest the bundled notice into an empty store, then serve until Ctrl+C."""
    report = assistant.ingest_sample_if_empty(progress=_print_progress)
    if report is not None:
        print(report.summary(), file=sys.stderr)
    assistant.warm_up()  # the first visitor should not wait for the indexes to load
    app = build_app(assistant)
    url = launch(app, host, port)
    print(f"通报问答 ({assistant.answerer_name}) on {url} — Ctrl+C to stop", file=sys.stderr)
    app.block_thread()


def _print_progress(title: str, done: int, total: int) -> None:
    end = "\n" if done >= total else ""
    print(f"\rembedding {title}: {done}/{total} passages", end=end, file=sys.stderr, flush=True)
