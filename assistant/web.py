"""The chat page: ask, see the figure, check it in its source, all on `Assistant`'s public API.

`build_app` is a layout (`_layout`) plus the named handlers of `PageHandlers`. Each
browser tab (and each `gradio_client.Client`) holds its own conversation in a
`gr.State`; nothing about a conversation lives at module level. The page never
reaches past its own server: analytics, the version check and share links are off,
the theme uses local fonts, and Gradio's own words are Chinese whatever the
browser's language (`ChineseLocale`). It binds to 127.0.0.1 unless told otherwise,
and refuses any other address without a login (`check_exposure`).
"""

from __future__ import annotations

import html
import ipaddress
import logging
import os
import sys
import tempfile
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
    sources_as_html,
    span_as_html,
)
from ingest.readers import SUPPORTED_SUFFIXES  # noqa: E402
from ingest.store import NoticeRecord  # noqa: E402

log = logging.getLogger(__name__)

STYLE_PATH = Path(__file__).resolve().parent / "static" / "chat.css"
NOTICE_FILE_TYPES = list(SUPPORTED_SUFFIXES)
AUTH_USER_ENV, AUTH_PASSWORD_ENV = "ASSISTANT_WEB_USER", "ASSISTANT_WEB_PASSWORD"
# Questions the bundled notice answers, one of each kind a first-time user might try.
EXAMPLE_QUESTIONS = [
    "2020年全区重点项目完成投资多少?",
    "省委巡视组什么时候反馈了巡视意见?",
    "“拿地即动工”改革试点的审批时间压减到多少个工作日?",
    "高明区2020年的GDP是多少?",
]
LOCAL_FONTS = ["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "system-ui", "sans-serif"]
LOCAL_MONO_FONTS = ["Noto Sans Mono CJK SC", "ui-monospace", "monospace"]
FIGURE_COLUMNS = ["数字", "类型", "指的是", "时间", "章节", "引文", "位置"]
# Shown when something other than the user failed (a Chroma server that is down, a broken disk).
UNAVAILABLE = "通报库暂时无法访问(可能是 Chroma 服务器没有运行或网络中断),请稍后再试。您的问题已保留在输入框中。"

# After an answer, its question goes to the top of the chat, so question and answer are read together.
SCROLL_TO_LATEST_QUESTION = """
() => { setTimeout(() => {
  const questions = document.querySelectorAll('#tb-chat .tb-question');
  const wrap = document.querySelector('#tb-chat .bubble-wrap');
  if (!questions.length || !wrap) return;
  const row = questions[questions.length - 1].closest('.message-row') || questions[questions.length - 1];
  wrap.scrollTop += row.getBoundingClientRect().top - wrap.getBoundingClientRect().top - 8;
}, 150); }
"""


# Keys Gradio's front end uses without a translation in any language: its status line for screen
# readers (visible to anything reading the page's text) would say "common.complete".
GRADIO_WORDS = gr.I18n(**{"zh-CN": {"common.complete": "已完成", "common.error": "出错了"}})


class ChineseLocale:
    """ASGI middleware: the page's HTML tells Gradio's front end the browser speaks Chinese.

    Gradio picks the language of its own labels ("Drop File Here", "Settings") from
    `navigator.language` and has no server-side setting for it, so the page's HTML
    gets a first script that reports zh-CN before Gradio's scripts run.
    """

    SCRIPT = (
        b'<script>(() => { const zh = ["zh-CN", "zh"];'
        b' Object.defineProperty(navigator, "language", { get: () => zh[0] });'
        b' Object.defineProperty(navigator, "languages", { get: () => zh }); })();</script>'
    )

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "GET" or not scope["path"].endswith("/"):
            await self.app(scope, receive, send)
            return
        start: dict = {}
        chunks: list[bytes] = []

        async def rewrite(message):
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            if any(k.lower() == b"content-type" and b"text/html" in v for k, v in headers):
                body = body.replace(b"<head>", b"<head>" + self.SCRIPT, 1).replace(b'lang="en"', b'lang="zh-CN"', 1)
            await send({**start, "headers": headers + [(b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)


@dataclass(frozen=True)
class Turn:
    """One question and its answer: the text the answerer sees as history, the HTML the page shows."""

    question: str
    answer_text: str
    answer_html: str
    sources_html: str


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


def notice_label(record: NoticeRecord) -> str:
    return record.short_name or record.title


def notices_as_html(records: list[NoticeRecord]) -> str:
    if not records:
        return '<div class="tb-docs tb-docs-empty">还没有收录任何通报。请在下方添加一份通报文件。</div>'
    cards = []
    for r in records:
        date = r.signed_on or r.published_on or "日期不详"
        issuer = f"{html.escape(r.issuer)} · " if r.issuer else ""
        cards.append(
            f'<div class="tb-doc"><div class="tb-doc-title">{html.escape(r.title)}</div>'
            f'<div class="tb-doc-meta">{issuer}{html.escape(date)} · {r.sections} 个章节 · {r.nodes} 个段落</div>'
            f'<div class="tb-doc-id">{html.escape(r.doc_id)}</div></div>'
        )
    return f'<div class="tb-docs">{"".join(cards)}</div>'


def status_html(kind: str, message: str) -> str:
    return f'<div class="tb-status tb-status-{kind}">{html.escape(message)}</div>'


def header_html(answerer_name: str) -> str:
    llm = answerer_name.startswith("llm:")
    note = "数字经原文核对" if llm else "不调用大模型,数字直接摘自原文"
    return (
        '<div class="tb-header"><h1>通报问答</h1>'
        '<p>回答给出确切数字,注明出自哪份通报、哪一节;右侧“出处”可对照原文。</p>'
        f'<div class="tb-engine" title="{html.escape(note)}">回答引擎:<b>{html.escape(answerer_label(answerer_name))}</b></div></div>'
    )


PLACEHOLDER = (
    '<div class="tb-welcome"><b>从一个问题开始</b>'
    "<p>例如某项工作完成了多少、什么时候、比例是多少。追问时可以直接说“那……呢?”。</p></div>"
)
SOURCES_EMPTY = '<div class="tb-source-empty">提问后,这里列出回答的出处:每条引文所在的通报、章节和原文段落,引用的句子以黄色标出。</div>'


def check_exposure(host: str, auth: tuple[str, str] | None) -> None:
    """Any address but loopback lets others add and remove notices: only with a login."""
    if auth is not None or host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise AssistantError(
            f"拒绝在 {host} 上提供网页:任何能访问该地址的人都可以增删通报。"
            f"请先设置环境变量 {AUTH_USER_ENV} 和 {AUTH_PASSWORD_ENV}(登录用户名和口令),或只在 127.0.0.1 上提供。"
        )


def auth_from_env() -> tuple[str, str] | None:
    user, password = os.environ.get(AUTH_USER_ENV, ""), os.environ.get(AUTH_PASSWORD_ENV, "")
    if bool(user) != bool(password):
        raise AssistantError(f"{AUTH_USER_ENV} 和 {AUTH_PASSWORD_ENV} 须同时设置")
    return (user, password) if user else None


class PageHandlers:
    """What each control of the page does, on one `Assistant`."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant

    # -- asking --

    def scope(self, selected: list[str] | None) -> list[str] | None:
        """The notices a question is limited to: None for all (nothing or everything selected)."""
        known = [r.doc_id for r in self.assistant.documents()]
        chosen = [d for d in (selected or []) if d in known]
        return chosen if chosen and len(chosen) < len(known) else None

    def ask(self, question: str, turns: list[Turn], selected: list[str] | None = None):
        """Stream the answer into the chat; yields (chat, turns, question box, sources panel)."""
        question = (question or "").strip()
        if not question:
            yield chat_messages(turns), turns, "", gr.skip()
            return
        shown = chat_messages(turns) + [{"role": "user", "content": question_as_html(question)}]
        yield shown + [{"role": "assistant", "content": pending_answer_as_html("")}], turns, "", gr.skip()
        text = ""
        answer: Answer | None = None
        try:
            for event in self.assistant.stream(question, history=conversation_history(turns), doc_ids=self.scope(selected)):
                if isinstance(event, Answer):
                    answer = event
                else:
                    text += event
                    yield shown + [{"role": "assistant", "content": pending_answer_as_html(text)}], turns, "", gr.skip()
            answer_html = answer_as_html(answer, self.assistant.notice_text)
            sources = sources_as_html(answer, self.assistant.notice_text)
        except AssistantError as exc:
            # Shown once, not kept: the conversation holds only answered questions; the question stays in the box.
            gr.Warning(html.escape(str(exc)), title="无法回答")  # toasts render HTML
            yield shown + [{"role": "assistant", "content": error_as_html(str(exc))}], turns, question, gr.skip()
            return
        except Exception:  # the page's boundary: whatever failed below, the reader gets Chinese, the log the rest
            log.exception("answering %r failed", question)
            gr.Warning(UNAVAILABLE, title="暂时无法回答")
            yield shown + [{"role": "assistant", "content": error_as_html(UNAVAILABLE)}], turns, question, gr.skip()
            return
        turns = turns + [Turn(question, answer.text, answer_html, sources)]
        yield chat_messages(turns), turns, "", sources

    def ask_example(self, turns: list[Turn], selected: list[str] | None, example: gr.SelectData):
        yield from self.ask(example.value["text"], turns, selected)

    def new_conversation(self):
        return [], [], "", SOURCES_EMPTY

    # -- notices --

    def notice_choices(self) -> list[tuple[str, str]]:
        return [(notice_label(r), r.doc_id) for r in self.assistant.documents()]

    def list_notices(self):
        """The notice list, the question's scope (every notice ticked) and the figures table's choice."""
        choices = self.notice_choices()
        ids = [doc_id for _, doc_id in choices]
        return (
            notices_as_html(self.assistant.documents()),
            gr.update(choices=choices, value=ids),
            gr.update(choices=choices, value=ids[0] if ids else None),
        )

    def add_notice(self, file_path: str | None, progress=gr.Progress()):
        """A file from the page's own upload. One whose name is taken by a different notice waits
        for the reader to choose: replace that notice, add it beside, or leave it.
        Returns (notice list, scope, figures choice, status, upload box, pending file, choice row)."""
        if not file_path:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), None, None, gr.update(visible=False)
        name = Path(file_path).name
        try:
            clashes = self.assistant.name_clashes(file_path)
        except AssistantError as exc:
            return self._not_added(name, exc)
        except Exception:
            log.exception("reading %s failed", name)
            return self._not_added(name, None)
        if clashes:
            record = clashes[0][1]
            message = (f"「{name}」与已收录的《{record.title}》(编号 {record.doc_id})同名,但内容不同。"
                       "请选择:替换原通报,或另行添加(原通报保留)。")
            return (*self.list_notices(), status_html("ask", message), None, file_path, gr.update(visible=True))
        return self._ingest(file_path, replace=False, progress=progress)

    def replace_notice(self, pending: str | None, progress=gr.Progress()):
        return self._ingest(pending, replace=True, progress=progress) if pending else self._nothing_pending()

    def add_notice_beside(self, pending: str | None, progress=gr.Progress()):
        return self._ingest(pending, replace=False, progress=progress) if pending else self._nothing_pending()

    def cancel_notice(self, pending: str | None):
        if not pending:
            return self._nothing_pending()
        message = f"没有添加「{Path(pending).name}」,已收录的通报没有改变。"
        return (*self.list_notices(), status_html("ok", message), None, None, gr.update(visible=False))

    def _nothing_pending(self):
        return gr.skip(), gr.skip(), gr.skip(), gr.skip(), None, None, gr.update(visible=False)

    def _ingest(self, file_path: str, replace: bool, progress):
        name = Path(file_path).name

        def report_progress(title: str, done: int, total: int) -> None:
            progress((done, total), desc=f"正在处理《{title}》", unit="段")

        try:
            report = self.assistant.ingest(file_path, progress=report_progress, replace=replace)
        except AssistantError as exc:
            return self._not_added(name, exc)
        except Exception:
            log.exception("ingesting %s failed", name)
            return self._not_added(name, None)
        n = report.notices[0]
        work = f"{n.sections} 个章节,{n.nodes} 个段落"
        if n.status == "unchanged":
            message = f"《{n.title}》已收录过(编号 {n.doc_id}),内容没有变化。"
        elif n.status == "replaced":
            message = f"已用《{n.title}》替换原通报《{n.other_title}》(编号 {n.doc_id}),{work}。"
        elif n.other_id:
            message = f"已添加《{n.title}》(编号 {n.doc_id}),{work};同名的《{n.other_title}》(编号 {n.other_id})已保留。"
        else:
            message = f"已添加《{n.title}》,{work}。"
        return (*self.list_notices(), status_html("ok", message), None, None, gr.update(visible=False))

    def _not_added(self, name: str, exc: AssistantError | None):
        if exc is None:
            reason = UNAVAILABLE.split("。")[0]
        else:
            reason = exc.reason if isinstance(exc, NoticeError) else str(exc)
        message = f"未能添加「{name}」:{reason}。已收录的通报没有改变。"
        return (*self.list_notices(), status_html("error", message), None, None, gr.update(visible=False))

    # -- the figures table --

    def figures(self, doc_id: str | None, kinds: list[str] | None, section: str | None):
        """The notice's figures, filtered; with the choices of the filters and the export files."""
        from assistant.notice_figures import figure_rows, write_csv, write_xlsx

        if not doc_id:
            return [], gr.update(choices=[]), gr.update(choices=[]), None, None
        rows = figure_rows(self.assistant, doc_id)
        all_kinds = sorted({r.kind for r in rows})
        sections = list(dict.fromkeys(r.section for r in rows))
        shown = [r for r in rows if (not kinds or r.kind in kinds) and (not section or r.section == section)]
        folder = Path(tempfile.mkdtemp(prefix="tb-figures-"))
        csv_path, xlsx_path = folder / f"{doc_id}-数字.csv", folder / f"{doc_id}-数字.xlsx"
        write_csv(shown, csv_path)
        write_xlsx(shown, xlsx_path)
        table = [[r.figure, r.kind, r.counts, r.time, r.section, r.quote, r.start] for r in shown]
        return (
            gr.update(value=table, headers=FIGURE_COLUMNS),
            gr.update(choices=all_kinds, value=[k for k in (kinds or []) if k in all_kinds]),
            gr.update(choices=[("全部章节", "")] + [(s, s) for s in sections], value=section if section in sections else ""),
            str(csv_path),
            str(xlsx_path),
        )

    def open_figure(self, doc_id: str | None, selected: gr.SelectData):
        """A row of the figures table opens its sentence in the sources panel, the figure marked."""
        from assistant.notice_figures import figure_rows

        row = selected.row_value
        if not doc_id or not row:
            return gr.skip(), gr.skip()
        start = int(row[FIGURE_COLUMNS.index("位置")])
        match = next((r for r in figure_rows(self.assistant, doc_id) if r.start == start), None)
        if match is None:
            return gr.skip(), gr.skip()
        record = self.assistant.store.document(doc_id)
        panel = span_as_html(self.assistant.notice_text(doc_id), match.start, match.end, notice_label(record) if record else doc_id, match.section)
        return panel, gr.Tabs(selected="sources")


def _layout(handlers: PageHandlers, assistant: Assistant) -> gr.Blocks:
    with gr.Blocks(title="通报问答", analytics_enabled=False, fill_width=True) as app:
        turns = gr.State([])
        choices = handlers.notice_choices()  # opens the store now: a broken one fails at start, not in a request
        ids = [doc_id for _, doc_id in choices]
        gr.HTML(header_html(assistant.answerer_name), elem_id="tb-top")
        with gr.Row(equal_height=False, elem_id="tb-body"):
            with gr.Column(scale=7, min_width=360, elem_id="tb-main"):
                chatbot = gr.Chatbot(
                    label="对话",
                    show_label=False,
                    elem_id="tb-chat",
                    height="100%",  # chat.css sizes it: what the column leaves to it
                    placeholder=PLACEHOLDER,
                    examples=[{"text": q} for q in EXAMPLE_QUESTIONS],
                    sanitize_html=True,
                    latex_delimiters=[],
                    buttons=["copy"],
                    feedback_options=None,
                    group_consecutive_messages=False,
                    autoscroll=False,
                )
                with gr.Row(elem_id="tb-input"):
                    question = gr.Textbox(
                        label="问题",  # hidden, but Gradio still renders it for screen readers
                        show_label=False,
                        placeholder="输入问题,按回车发送。例如:2020年全区重点项目完成投资多少?",
                        elem_id="tb-question",
                        max_lines=3,
                        scale=8,
                        submit_btn="提问",
                    )
                    new = gr.Button("新对话", elem_id="tb-new", scale=1, min_width=80)
            with gr.Column(scale=4, min_width=300, elem_id="tb-side"):
                with gr.Tabs(elem_id="tb-tabs") as tabs:
                    with gr.Tab("出处", id="sources", elem_id="tb-tab-sources"):
                        sources = gr.HTML(SOURCES_EMPTY, elem_id="tb-sources-panel")
                    with gr.Tab("通报", id="notices", elem_id="tb-tab-notices"):
                        scope = gr.CheckboxGroup(choices, value=ids, label="提问范围(勾选要查的通报)", elem_id="tb-scope")
                        notices = gr.HTML(notices_as_html(assistant.documents()), elem_id="tb-notices")
                        upload = gr.File(
                            label=f"添加通报文件({' '.join(NOTICE_FILE_TYPES)})",
                            file_types=NOTICE_FILE_TYPES,
                            file_count="single",
                            type="filepath",
                            elem_id="tb-upload",
                            height=110,
                        )
                        status = gr.HTML(elem_id="tb-status")
                        pending = gr.State(None)  # an uploaded file waiting for the reader's choice: server-side only
                        with gr.Row(visible=False, elem_id="tb-clash") as choose:
                            replace_btn = gr.Button("替换原通报", elem_id="tb-replace", variant="stop", size="sm")
                            beside_btn = gr.Button("另行添加", elem_id="tb-add-beside", size="sm")
                            cancel_btn = gr.Button("取消", elem_id="tb-cancel", size="sm")
                    with gr.Tab("本通报中的数字", id="figures", elem_id="tb-tab-figures"):
                        figures_doc = gr.Dropdown(choices, value=ids[0] if ids else None, label="通报", elem_id="tb-figures-doc")
                        with gr.Row():
                            kinds = gr.Dropdown(label="类型", multiselect=True, elem_id="tb-figures-kind", scale=1)
                            section = gr.Dropdown([("全部章节", "")], value="", label="章节", elem_id="tb-figures-section", scale=2)
                        table = gr.Dataframe(
                            headers=FIGURE_COLUMNS,
                            interactive=False,
                            elem_id="tb-figures",
                            max_height=420,
                            wrap=True,
                            show_search="search",
                        )
                        with gr.Row():
                            csv_file = gr.DownloadButton("下载 CSV", elem_id="tb-figures-csv", size="sm")
                            xlsx_file = gr.DownloadButton("下载 Excel", elem_id="tb-figures-xlsx", size="sm")

        outputs = [chatbot, turns, question, sources]
        asked = question.submit(handlers.ask, [question, turns, scope], outputs, api_name="ask",
                                concurrency_id="answer", concurrency_limit=max(4, assistant.settings.answer_workers))
        asked.then(None, js=SCROLL_TO_LATEST_QUESTION)
        example = chatbot.example_select(handlers.ask_example, [turns, scope], outputs, api_visibility="private",
                                         concurrency_id="answer")
        example.then(None, js=SCROLL_TO_LATEST_QUESTION)
        new.click(handlers.new_conversation, None, outputs, api_name="new_conversation", queue=False)
        chatbot.clear(handlers.new_conversation, None, outputs, api_visibility="private", queue=False)
        added = [notices, scope, figures_doc, status, upload, pending, choose]
        upload.upload(handlers.add_notice, [upload], added, api_name="add_notice")
        replace_btn.click(handlers.replace_notice, [pending], added, api_name="replace_notice")
        beside_btn.click(handlers.add_notice_beside, [pending], added, api_name="add_notice_beside")
        cancel_btn.click(handlers.cancel_notice, [pending], added, api_name="cancel_notice")
        app.load(handlers.list_notices, None, [notices, scope, figures_doc], api_name="notices")
        figure_filters = [figures_doc, kinds, section]
        figure_outputs = [table, kinds, section, csv_file, xlsx_file]
        figures_doc.change(handlers.figures, figure_filters, figure_outputs, api_name="figures")  # named first: it keeps the name
        for control in (kinds, section):
            control.input(handlers.figures, figure_filters, figure_outputs, api_visibility="private")
        table.select(handlers.open_figure, [figures_doc], [sources, tabs], api_visibility="private")
    return app


def build_app(assistant: Assistant) -> gr.Blocks:
    """The page, wired to one `Assistant`. Launch it with `launch` to get its style and offline settings."""
    return _layout(PageHandlers(assistant), assistant)


def launch(app: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None) -> str:
    """Serve the page on host:port with its style, in the background; returns its URL.

    `app.block_thread()` waits until Ctrl+C; `app.close()` stops it.
    """
    from starlette.middleware import Middleware

    check_exposure(host, auth)
    theme = gr.themes.Soft(primary_hue="red", neutral_hue="slate", font=LOCAL_FONTS, font_mono=LOCAL_MONO_FONTS)
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
            footer_links=[],  # "Use via API · Built with Gradio · Settings": English, and not for readers
            theme=theme,
            css=STYLE_PATH.read_text(encoding="utf-8"),
            auth=auth,
            auth_message="请输入网页的用户名和口令。" if auth else None,
            app_kwargs={"middleware": [Middleware(ChineseLocale)]},
            i18n=GRADIO_WORDS,
        )
    except OSError as exc:
        raise AssistantError(f"无法在 {host}:{port} 上提供网页({exc});请用 --port 换一个端口") from exc
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860) -> None:
    """`assistant web`: ingest the bundled notice into an empty store, then serve until Ctrl+C."""
    from assistant.progress import progress_bar

    auth = auth_from_env()
    check_exposure(host, auth)  # before the minutes of a first ingest
    report = assistant.ingest_sample_if_empty(progress=progress_bar())
    if report is not None:
        print(report.summary(), file=sys.stderr)
    assistant.warm_up()  # the first visitor should not wait for the indexes to load
    app = build_app(assistant)
    url = launch(app, host, port, auth)
    print(f"通报问答({answerer_label(assistant.answerer_name)})已在 {url} 上提供 —— 按 Ctrl+C 停止", file=sys.stderr)
    try:
        app.block_thread()
    finally:
        assistant.close()
