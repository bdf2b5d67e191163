"""The chat page over HTTP: a real Gradio server on a free loopback port, driven by `gradio_client`.

Each `Client` is its own browser session, so these tests also show that people
using the page at once keep separate conversations.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from gradio_client import Client, handle_file

from assistant import Assistant
from assistant.config import LLMSettings, Settings
from assistant.answer import Answer, Citation
from assistant.render import answer_as_html, answer_as_text, citations_as_text
from assistant.web import build_app, launch
from tests.conftest import REPO, SAMPLE_DOC_ID, free_port, wait_for_port
from tests.openai_server import OpenAIServer, Reply

INVESTMENT = "2020年全区重点项目完成投资多少?"
FOLLOW_UP = "那完成年度任务的比例呢?"
# `-m` from the repo root runs this checkout's code (the venv's `assistant` script may belong to another).
ASSISTANT_CLI = [sys.executable, "-m", "assistant.cli"]
INVESTMENT_PATH = "二 › 第四方面问题 › (一) › 1."
# The page shows every level's title; the investment's section ends with this one.
INVESTMENT_SECTION = "1. 针对统筹推进省市区重大项目进展缓慢问题"


@contextlib.contextmanager
def serving(assistant: Assistant):
    """The page for `assistant` on a free loopback port, closed afterwards; yields its URL."""
    app = build_app(assistant)
    url = launch(app, "127.0.0.1", free_port())
    try:
        yield url
    finally:
        app.close()


@pytest.fixture(scope="module")
def page(bot):
    with serving(bot) as url:
        yield url


def client(url: str) -> Client:
    return Client(url, verbose=False, download_files=False)


def message_html(message: dict) -> str:
    return "".join(part["text"] for part in message["content"] if part.get("type") == "text")


def last_answer(messages: list[dict]) -> BeautifulSoup:
    assert messages[-1]["role"] == "assistant"
    return BeautifulSoup(message_html(messages[-1]), "html.parser")


def cited_paths(answer: BeautifulSoup) -> list[str]:
    return [span.get_text() for span in answer.select("details.tb-cite .tb-cite-path")]


def ask(chat: Client, question: str, scope: list[str] | None = None):
    """(messages, what is left in the question box, the sources panel) after one question."""
    return chat.predict(question, scope or [], api_name="/ask")


def test_question_then_follow_up_give_the_figures_and_their_sections(page):
    chat = client(page)
    messages, box = ask(chat, INVESTMENT)[:2]
    assert box == ""  # the question box is cleared for the next one
    first = last_answer(messages)
    assert "158.72亿元" in first.select_one(".tb-text").get_text()
    assert any(path.endswith(INVESTMENT_SECTION) and "第四方面问题" in path for path in cited_paths(first)), cited_paths(first)
    # The quote is marked inside its paragraph, ready to be opened on the page.
    assert any("158.72亿元" in mark.get_text() for mark in first.select("details.tb-cite mark"))

    messages, _ = ask(chat, FOLLOW_UP)[:2]
    assert len(messages) == 4
    follow_up = last_answer(messages)
    assert "123.34%" in follow_up.select_one(".tb-text").get_text()
    assert any(path.endswith(INVESTMENT_SECTION) for path in cited_paths(follow_up))


def test_two_visitors_keep_separate_conversations(page):
    alice, bob = client(page), client(page)
    ask(alice, INVESTMENT)[:2]
    bob_messages, _ = ask(bob, "省委巡视组什么时候反馈了巡视意见?")[:2]
    alice_messages, _ = ask(alice, FOLLOW_UP)[:2]
    assert len(bob_messages) == 2
    assert len(alice_messages) == 4
    # Bob's question in between did not become the subject of Alice's follow-up.
    assert "123.34%" in last_answer(alice_messages).select_one(".tb-text").get_text()
    assert "158.72" not in message_html(bob_messages[-1])


def test_new_conversation_forgets_the_history(page):
    chat = client(page)
    ask(chat, INVESTMENT)[:2]
    messages, box, sources = chat.predict(api_name="/new_conversation")
    assert messages == [] and box == "" and "提问后" in sources
    messages, _ = ask(chat, "省委巡视组什么时候反馈了巡视意见?")[:2]
    assert len(messages) == 2


def test_abstention_is_marked_as_such(page):
    messages, _ = ask(client(page), "高明区2020年的GDP是多少?")[:2]
    answer = last_answer(messages)
    assert answer.select_one(".tb-answer.tb-abstain") is not None
    assert answer.select_one(".tb-badge").get_text() == "通报未载明"


def test_question_markup_is_shown_as_text(page):
    question = '<img src=x onerror="alert(1)"><script>alert(2)</script> 完成投资多少?'
    messages, _ = ask(client(page), question)[:2]
    shown = message_html(messages[0])
    assert "<img" not in shown and "<script" not in shown
    soup = BeautifulSoup(shown, "html.parser")
    assert soup.find("img") is None and soup.find("script") is None
    assert soup.get_text() == question


def test_a_question_that_cannot_be_asked_is_explained_and_not_kept(page):
    chat = client(page)
    messages, box = ask(chat, "???")[:2]
    assert box == "???"  # left in the box to be corrected
    error = last_answer(messages)
    assert error.select_one(".tb-error .tb-badge").get_text() == "无法回答"
    assert error.select_one(".tb-text").get_text()
    messages, _ = ask(chat, INVESTMENT)[:2]
    assert len(messages) == 2


def test_page_names_the_answerer_and_lists_the_notices(page, sample_home):
    with urllib.request.urlopen(page + "config") as response:
        config = json.load(response)
    assert config["analytics_enabled"] is False
    header = next(c["props"]["value"] for c in config["components"] if "tb-header" in str(c["props"].get("value", "")))
    assert "回答引擎" in header and "离线" in header
    notices = BeautifulSoup(client(page).predict(api_name="/notices")[0], "html.parser")
    assert [t.get_text() for t in notices.select(".tb-doc-title")] == ["中共佛山市高明区委关于巡视整改进展情况的通报"]
    assert "83 个章节" in notices.select_one(".tb-doc-meta").get_text()


def test_an_llm_answer_streams_in_and_a_wrong_figure_is_never_shown(sample_home):
    with OpenAIServer(model="test-model") as llm:
        settings = Settings.from_env(home=sample_home, llm=LLMSettings(model="test-model", base_url=llm.base_url, api_key="k"))
        with serving(Assistant(home=sample_home, settings=settings)) as url:
            with urllib.request.urlopen(url + "config") as response:
                assert "大模型 test-model" in json.dumps(json.load(response), ensure_ascii=False)

            # Two claims: the page shows a claim once it is verified, so it streams claim by claim.
            right = "2020年全区重点项目完成投资158.72亿元。[1]完成年度任务123.34%。[1]"
            llm.reply_with(Reply(right, chunk_delay_s=0.05))
            job = client(url).submit(INVESTMENT, [], api_name="/ask")
            messages, *_ = job.result(timeout=60)
            streamed = [last_answer(m).get_text() for m, *_ in job.outputs() if "tb-pending" in message_html(m[-1])]
            assert len([t for t in streamed if t]) >= 2, streamed  # the text came in pieces
            assert all(later.startswith(earlier) for earlier, later in zip(streamed, streamed[1:]))
            answer = last_answer(messages)
            assert answer.select_one(".tb-text").get_text() == right
            assert "回答引擎:大模型 test-model" in answer.select_one(".tb-meta").get_text()

            llm.reply_with(Reply("2020年全区重点项目完成投资168.72亿元,完成年度任务123.34%。", chunk_delay_s=0.05))
            job = client(url).submit(INVESTMENT, [], api_name="/ask")
            messages, *_ = job.result(timeout=60)
            streamed = [last_answer(m).get_text() for m, *_ in job.outputs() if "tb-pending" in message_html(m[-1])]
            assert streamed and not any("168.72" in t for t in streamed)  # held back until checked, then dropped
            answer = last_answer(messages)
            assert "168.72" not in answer.select_one(".tb-text").get_text()
            assert "158.72亿元" in answer.select_one(".tb-text").get_text()  # the offline answer instead
            assert "大模型回答未采用" in answer.select_one(".tb-meta:last-child").get_text()  # and why


@pytest.fixture
def writable_page(writable_home):
    with serving(Assistant(home=writable_home)) as url:
        yield url, writable_home


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.txt", b""),
        ("binary.txt", bytes(range(256)) * 8),
        ("scan.md", b"\x00\x01\x02 not a notice \xff\xfe"),
    ],
)
def test_a_bad_notice_file_changes_nothing(writable_page, tmp_path, name, content):
    url, home = writable_page
    before = [r.to_dict() for r in Assistant(home=home).documents()]
    bad = tmp_path / name
    bad.write_bytes(content)
    notices, _scope, _doc, status, upload = client(url).predict(handle_file(str(bad)), api_name="/add_notice")
    message = BeautifulSoup(status, "html.parser")
    assert message.select_one(".tb-status-error") is not None
    assert message.get_text().startswith(f"未能添加「{name}」")
    assert upload is None
    assert [t.get_text() for t in BeautifulSoup(notices, "html.parser").select(".tb-doc-id")] == [SAMPLE_DOC_ID]
    assert [r.to_dict() for r in Assistant(home=home).documents()] == before


def test_an_added_notice_is_listed_and_answered_from(writable_page, tmp_path):
    url, home = writable_page
    notice = tmp_path / "xiaoqu-xuncha-2022.txt"
    # A notice's own text is shown as text too, markup and all.
    notice.write_text(
        '关于某区巡察整改情况的通报<img src=x onerror="alert(1)">\n\n根据区委统一部署,现将巡察整改情况通报如下。\n\n'
        "一、整改工作开展情况\n(一)推进问题整改。截至2021年12月,已完成整改问题41个,完成率93.2%。\n"
        "二、下一步工作\n1.持续巩固整改成果。计划2022年新建农村公路12.5公里。\n",
        encoding="utf-8",
    )
    chat = client(url)
    notices, _scope, _doc, status, _ = chat.predict(handle_file(str(notice)), api_name="/add_notice")
    shown = BeautifulSoup(status, "html.parser")
    assert shown.get_text().startswith("已添加《") and shown.find("img") is None
    listed = BeautifulSoup(notices, "html.parser")
    assert [t.get_text() for t in listed.select(".tb-doc-id")] == sorted([SAMPLE_DOC_ID, "xiaoqu-xuncha-2022"])
    assert listed.find("img") is None
    messages, _ = ask(chat, "计划2022年新建农村公路多少公里?")[:2]
    assert "12.5公里" in last_answer(messages).select_one(".tb-text").get_text()


OTHER_NOTICE = "关于某区造林绿化情况的通报\n\n一、总体情况\n(一)基本情况。2021年全区完成造林面积300亩。\n"


def status_text(status: str) -> str:
    return BeautifulSoup(status, "html.parser").get_text()


def a_different_notice_named_like_the_sample(tmp_path: Path) -> Path:
    path = tmp_path / f"{SAMPLE_DOC_ID}.txt"
    path.write_text(OTHER_NOTICE, encoding="utf-8")
    return path


def test_a_same_named_different_notice_waits_for_a_choice_then_replaces(writable_page, tmp_path):
    url, home = writable_page
    before = [r.to_dict() for r in Assistant(home=home).documents()]
    chat = client(url)
    *_, status, _ = chat.predict(handle_file(str(a_different_notice_named_like_the_sample(tmp_path))), api_name="/add_notice")
    assert BeautifulSoup(status, "html.parser").select_one(".tb-status-ask") is not None
    assert "同名,但内容不同" in status_text(status) and SAMPLE_DOC_ID in status_text(status)
    assert [r.to_dict() for r in Assistant(home=home).documents()] == before  # nothing written before the choice

    notices, *_, status, _ = chat.predict(api_name="/replace_notice")
    assert status_text(status).startswith("已用《关于某区造林绿化情况的通报》替换原通报《中共佛山市高明区委关于巡视整改进展情况的通报》")
    records = Assistant(home=home).documents()
    assert [(r.doc_id, r.title) for r in records] == [(SAMPLE_DOC_ID, "关于某区造林绿化情况的通报")]
    messages, _ = ask(chat, "2021年全区完成造林面积多少亩?")[:2]
    assert "300亩" in last_answer(messages).select_one(".tb-text").get_text()
    # the choice was used up: a second click changes nothing
    *_, status, _ = chat.predict(api_name="/replace_notice")
    assert [(r.doc_id, r.title) for r in Assistant(home=home).documents()] == [(SAMPLE_DOC_ID, "关于某区造林绿化情况的通报")]


def test_a_same_named_different_notice_can_be_added_beside_or_left(writable_page, tmp_path):
    url, home = writable_page
    chat = client(url)
    upload = handle_file(str(a_different_notice_named_like_the_sample(tmp_path)))
    chat.predict(upload, api_name="/add_notice")
    *_, status, _ = chat.predict(api_name="/cancel_notice")
    assert status_text(status).startswith("没有添加")
    assert [r.doc_id for r in Assistant(home=home).documents()] == [SAMPLE_DOC_ID]

    chat.predict(upload, api_name="/add_notice")
    *_, status, _ = chat.predict(api_name="/add_notice_beside")
    records = {r.doc_id: r.title for r in Assistant(home=home).documents()}
    assert len(records) == 2 and records[SAMPLE_DOC_ID] == "中共佛山市高明区委关于巡视整改进展情况的通报"
    (beside,) = [d for d in records if d != SAMPLE_DOC_ID]
    assert status_text(status).startswith(f"已添加《关于某区造林绿化情况的通报》(编号 {beside})")
    assert f"(编号 {SAMPLE_DOC_ID})已保留" in status_text(status)


def test_the_page_ingests_only_files_from_its_own_upload(writable_page, tmp_path):
    """A request naming a file on the server (not one it uploaded) is refused by Gradio's check."""
    url, home = writable_page
    outside = tmp_path / "not-uploaded.txt"
    outside.write_text(OTHER_NOTICE, encoding="utf-8")
    before = [r.to_dict() for r in Assistant(home=home).documents()]
    body = json.dumps({"data": [{"path": str(outside), "meta": {"_type": "gradio.FileData"}}]}).encode()
    request = urllib.request.Request(f"{url}gradio_api/call/add_notice", data=body, headers={"Content-Type": "application/json"})
    event_id = json.loads(urllib.request.urlopen(request, timeout=30).read())["event_id"]
    stream = urllib.request.urlopen(f"{url}gradio_api/call/add_notice/{event_id}", timeout=60).read().decode()
    assert "event: error" in stream and "event: complete" not in stream, stream
    # and a session that uploaded nothing has nothing to confirm
    *_, status, _ = client(url).predict(api_name="/replace_notice")
    assert [r.to_dict() for r in Assistant(home=home).documents()] == before


def test_web_command_ingests_the_sample_into_an_empty_store_and_serves(tmp_path):
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "True"}  # the page switches it off itself
    proc = subprocess.Popen(
        [*ASSISTANT_CLI, "--home", str(tmp_path / "home"), "web", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    try:
        wait_for_port(port, timeout=120)
        url = f"http://127.0.0.1:{port}/"
        with urllib.request.urlopen(url + "config") as response:
            assert json.load(response)["analytics_enabled"] is False
        notices = BeautifulSoup(client(url).predict(api_name="/notices")[0], "html.parser")
        assert [t.get_text() for t in notices.select(".tb-doc-id")] == [SAMPLE_DOC_ID]
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=30)
    assert "向量化《" in stderr and "159/159" in stderr  # the progress bar was drawn while ingesting
    assert f"http://127.0.0.1:{port}" in stderr


def test_web_command_reports_a_busy_port_in_one_line(writable_home):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [*ASSISTANT_CLI, "--home", str(writable_home), "web", "--port", str(port)],
            capture_output=True,
            cwd=REPO,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("错误:无法在 127.0.0.1:")
    assert "Traceback" not in done.stderr


def test_a_non_loopback_host_without_a_login_is_refused(writable_home):
    env = {k: v for k, v in os.environ.items() if k not in ("ASSISTANT_WEB_USER", "ASSISTANT_WEB_PASSWORD")}
    done = subprocess.run([*ASSISTANT_CLI, "--home", str(writable_home), "web", "--host", "0.0.0.0", "--port", str(free_port())],
                          capture_output=True, text=True, timeout=120, cwd=REPO, env=env)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("错误:拒绝在 0.0.0.0 上提供网页") and "ASSISTANT_WEB_PASSWORD" in last
    assert "Traceback" not in done.stderr


def test_a_login_from_the_environment_guards_the_page(bot):
    app = build_app(bot)
    url = launch(app, "127.0.0.1", free_port(), auth=("leser", "geheim-口令"))
    try:
        with pytest.raises(Exception):
            client(url).predict(api_name="/notices")  # no login, no API
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + "config")
        assert refused.value.code == 401
    finally:
        app.close()


def test_the_page_is_served_as_chinese_whatever_the_browser(page):
    with urllib.request.urlopen(page) as response:
        html_ = response.read().decode()
    assert '<html\n\tlang="zh-CN"' in html_ or 'lang="zh-CN"' in html_
    head = html_.split("<head>", 1)[1]
    assert head.lstrip().startswith("<script>") and '"zh-CN"' in head.split("</script>", 1)[0]


def test_the_notice_selector_limits_the_question(writable_page, tmp_path):
    url, _home = writable_page
    notice = tmp_path / "xiaoqu-xuncha-2022.txt"
    notice.write_text("关于某区巡察整改情况的通报\n\n一、整改情况\n(一)推进整改。2020年,全区重点项目完成投资99.5亿元。\n", encoding="utf-8")
    chat = client(url)
    chat.predict(handle_file(str(notice)), api_name="/add_notice")
    only_sample = BeautifulSoup(ask(chat, INVESTMENT, [SAMPLE_DOC_ID])[0][-1]["content"][0]["text"], "html.parser")
    assert "158.72亿元" in only_sample.select_one(".tb-text").get_text()
    assert {d.get_text() for d in only_sample.select(".tb-cite-doc")} == {"《中共佛山市高明区委关于巡视整改进展情况的通报》"}
    chat.predict(api_name="/new_conversation")
    only_new = BeautifulSoup(ask(chat, INVESTMENT, ["xiaoqu-xuncha-2022"])[0][-1]["content"][0]["text"], "html.parser")
    assert "99.5亿元" in only_new.select_one(".tb-text").get_text()
    assert "158.72" not in only_new.get_text()
    assert {d.get_text() for d in only_new.select(".tb-cite-doc")} == {"《关于某区巡察整改情况的通报》"}


def test_the_figures_table_lists_every_fact_and_exports_them(page, bot):
    import pandas

    table, _kinds, _section, csv_file, xlsx_file = client(page).predict(SAMPLE_DOC_ID, [], "", api_name="/figures")
    table = table.get("value", table)  # an update of the Dataframe: {"value": {"headers", "data"}, ...}
    facts = bot.store.facts(SAMPLE_DOC_ID)
    assert len(table["data"]) == len(facts) > 100
    assert table["headers"][:3] == ["数字", "类型", "指的是"]
    row = next(r for r in table["data"] if r[0] == "158.72亿元")
    assert row[1] == "金额" and row[4].endswith(INVESTMENT_SECTION) and "158.72亿元" in row[5]
    # Downloads as Gradio serves them, from its own cache on this machine.
    csv_file, xlsx_file = (f.get("value", f)["path"] if isinstance(f, dict) else f for f in (csv_file, xlsx_file))
    for path in (csv_file, xlsx_file):
        assert Path(path).exists()
    frame = pandas.read_csv(csv_file)
    assert len(frame) == len(facts) and list(frame.columns)[:4] == ["数字", "类型", "数值", "单位"]
    assert len(pandas.read_excel(xlsx_file)) == len(facts)


def test_a_store_that_went_away_is_explained_and_the_question_kept(tmp_path):
    chroma = Path(sys.executable).with_name("chroma")
    port = free_port()
    server = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path / "chroma"), "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, timeout=60)
        bot = Assistant(home=tmp_path / "home", chroma_url=f"http://127.0.0.1:{port}")
        bot.ingest_sample_if_empty()
        with serving(bot) as url:
            chat = client(url)
            assert "158.72亿元" in message_html(ask(chat, INVESTMENT)[0][-1])
            server.terminate()
            server.wait(timeout=30)
            messages, box, _ = ask(chat, "省委巡视组什么时候反馈了巡视意见?")
            assert box == "省委巡视组什么时候反馈了巡视意见?"  # kept, to ask again
            error = last_answer(messages).select_one(".tb-error .tb-text").get_text()
            assert "不可用" in error and "请确认服务器在运行" in error, error  # the StoreError's own Chinese words
    finally:
        server.kill()


# -- the plain-text rendering the CLI prints --------------------------------------------


def _citation(quote_at: int = 0) -> Citation:
    quote = "2020年,全区重点项目完成投资158.72亿元"
    return Citation(SAMPLE_DOC_ID, "某通报", ("二", "第四方面问题", "(一)", "1."), ("", "", "", "针对问题"), quote, quote_at, quote_at + len(quote))


def test_answer_as_text_shows_the_text_then_each_citation():
    answer = Answer("问", "158.72亿元", True, [_citation()])
    assert answer_as_text(Answer("问", "158.72亿元", True, [_citation(), _citation()])) == answer_as_text(answer)  # one row per quote
    assert answer_as_text(answer) == "158.72亿元\n\n[1] 二 › 第四方面问题 › (一) › 1. 针对问题\n    「2020年,全区重点项目完成投资158.72亿元」"
    assert citations_as_text(answer) == "[1] 二 › 第四方面问题 › (一) › 1. 针对问题\n    「2020年,全区重点项目完成投资158.72亿元」"


def test_an_abstention_reads_as_one_in_text():
    answer = Answer("问", "通报中没有提到GDP。", False)
    assert answer_as_text(answer) == "【通报未载明】通报中没有提到GDP。"
    assert citations_as_text(answer) == "【通报未载明】"


def test_an_opened_citation_shows_the_quote_marked_in_its_paragraph_as_text():
    notice = "标题\n前文<b>粗</b>。2020年,全区重点项目完成投资158.72亿元,后文。\n下一段"
    moved = _citation(quote_at=0)  # offsets from an older version of the notice: found again by its text
    html_ = answer_as_html(Answer("问", "158.72亿元", True, [moved], figures=["158.72亿元"]), lambda doc_id: notice)
    passage = BeautifulSoup(html_, "html.parser").select_one("details.tb-cite .tb-passage p")
    assert passage.get_text() == "前文<b>粗</b>。2020年,全区重点项目完成投资158.72亿元,后文。"
    assert passage.find("b") is None
    assert passage.select_one("mark").get_text() == moved.quote
    assert BeautifulSoup(html_, "html.parser").select_one(".tb-text .tb-figure").get_text() == "158.72亿元"
