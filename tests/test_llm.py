"""The optional LLM path, against a real OpenAI-compatible server on 127.0.0.1.

The server (tests/openai_server.py) speaks the chat-completions protocol, streaming
included, records what it was sent, and replies with what each test scripts: a right
answer, a wrong figure, garbage, nothing, or nothing in time. Whatever it does, the
user gets either a verified answer or the offline one, never a traceback or a hang.
"""

from __future__ import annotations

import os
import time

import pytest

from assistant import Assistant
from assistant.answer import Answer
from assistant.config import PROMPTS_DIR, LLMSettings, Settings
from tests.conftest import free_port
from tests.openai_server import OpenAIServer, RecordedRequest, Reply

MODEL = "test-model"
QUESTION = "2020年全区重点项目完成投资多少?"
SECTION = ("二", "第四方面问题", "(一)", "1.")
RIGHT = "2020年全区重点项目完成投资158.72亿元,完成年度任务123.34%。[1]"
RIGHT_CHUNKS = ("2020年全区重点", "项目完成投资", "158.72亿元,", "完成年度任务", "123.34%。[1]")


def llm_assistant(home, base_url: str, timeout_s: float = 2.0) -> Assistant:
    settings = Settings.from_env(home=home, llm=LLMSettings(model=MODEL, base_url=base_url, api_key="k", timeout_s=timeout_s))
    return Assistant(home=home, settings=settings)


@pytest.fixture(scope="module")
def server():
    with OpenAIServer(model=MODEL) as running:
        yield running


@pytest.fixture(scope="module")
def llm_bot(sample_home, server):
    return llm_assistant(sample_home, server.base_url)


@pytest.fixture(scope="module")
def offline(bot) -> Answer:
    """What the offline answerer says to QUESTION: what every fallback must show."""
    return bot.ask(QUESTION)


def run(bot: Assistant, question: str, history=None) -> tuple[list[str], Answer]:
    events = list(bot.stream(question, history=history))
    assert isinstance(events[-1], Answer)
    assert all(isinstance(e, str) for e in events[:-1])
    return events[:-1], events[-1]


def assert_quotes_verbatim(bot: Assistant, answer: Answer) -> None:
    for c in answer.citations:
        assert c.quote == bot.notice_text(c.doc_id)[c.start : c.end], c


def assert_offline_fallback(bot: Assistant, answer: Answer, offline: Answer) -> None:
    """The LLM's answer was not used: the user gets the offline answer, and is told why."""
    assert answer.fallback_reason, answer
    assert answer.found == offline.found
    assert answer.text.endswith(offline.text), answer.text
    assert answer.citations == offline.citations
    assert_quotes_verbatim(bot, answer)


def prompt_line(name: str) -> str:
    """A line of a prompt file that carries no placeholder, to find it in a request."""
    text = (PROMPTS_DIR / f"{name}.md").read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if len(line) > 20 and "{" not in line)


# -- a right answer -------------------------------------------------------------------


def test_right_answer_is_streamed_and_cited(llm_bot, server):
    server.reply_with(Reply(RIGHT, chunks=RIGHT_CHUNKS))
    pieces, answer = run(llm_bot, QUESTION)

    assert answer.answerer == f"llm:{MODEL}" == llm_bot.answerer_name
    assert answer.found
    assert "158.72亿元" in answer.text
    assert answer.unverified_figures == []
    assert answer.fallback_reason == ""
    assert answer.citations and answer.citations[0].section_path == SECTION
    assert "158.72亿元" in answer.citations[0].quote
    assert_quotes_verbatim(llm_bot, answer)
    assert "".join(pieces) == answer.text

    # What the model was sent: the system prompt file, then the retrieved passages and the question.
    [request] = server.requests
    assert request.stream and request.body["model"] == MODEL
    assert request.authorization == "Bearer k"
    system_prompt = (PROMPTS_DIR / "answer_system.md").read_text(encoding="utf-8").strip()
    assert request.message("system").strip() == system_prompt
    user = request.message("user")
    assert QUESTION in user
    assert "158.72亿元" in user
    assert answer.passages and all(p.text in user for p in answer.passages)


def test_right_answer_in_other_forms_of_the_figure_is_accepted(llm_bot, server):
    # Full-width digits and 万元 are the same figure as the quote's 158.72亿元.
    for text in ("全区重点项目完成投资１５８．７２亿元。", "全区重点项目完成投资1587200万元。"):
        server.reply_with(Reply(text))
        _, answer = run(llm_bot, QUESTION)
        assert answer.fallback_reason == "", (text, answer.fallback_reason)
        assert answer.text == text + "[1]"  # the citation it rests on, marked though the model gave none
        assert answer.citations[0].section_path == SECTION


def test_right_answer_following_the_prompt_rules_is_accepted(llm_bot, server):
    # Rule 3 asks for [n] markers, rule 4 for the other passage's different figure.
    text = "2020年全区重点项目完成投资158.72亿元[1]。另一处表述为超过150亿元[2],两处不同。"
    server.reply_with(Reply(text))
    _, answer = run(llm_bot, QUESTION)
    assert answer.fallback_reason == "", answer.fallback_reason
    assert answer.text == text


def test_environment_configures_the_llm(sample_home, server, monkeypatch):
    monkeypatch.setenv("ASSISTANT_LLM_MODEL", "env-model")
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "env-key")
    monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT", "2")
    bot = Assistant(home=sample_home)
    assert bot.answerer_name == "llm:env-model"
    server.reply_with(Reply(RIGHT))
    _, answer = run(bot, QUESTION)
    assert answer.answerer == "llm:env-model"
    assert answer.fallback_reason == ""
    [request] = server.requests
    assert request.body["model"] == "env-model"
    assert request.authorization == "Bearer env-key"


def test_offline_by_default(bot):
    assert bot.answerer_name == "offline"


# -- a wrong figure is caught ---------------------------------------------------------


@pytest.mark.parametrize(
    "wrong, bad",
    [
        (("2020年全区重点", "项目完成投资", "168.72亿元,", "完成年度任务", "123.34%。[1]"), "168.72亿元"),
        (("2020年全区重点项目完成投资158.72亿元,", "完成年度任务", "133.34", "%。"), "133.34%"),  # at the very end
        (("2019年全区重点项目完成投资", "158.72亿元。"), "2019年"),  # the figure moved to another year
        (("全区重点项目完成投资", "1", "6", "8", ".", "7", "2", "亿元,完成得很好,超额完成了年度任务。"), "168.72亿元"),
    ],
    ids=["money", "percent-at-end", "year", "one-character-chunks"],
)
def test_wrong_figure_is_caught_and_never_shown(llm_bot, server, offline, wrong, bad):
    server.reply_with(Reply("".join(wrong), chunks=wrong))
    pieces, answer = run(llm_bot, QUESTION)

    assert bad in answer.unverified_figures
    assert_offline_fallback(llm_bot, answer, offline)
    assert "158.72亿元" in answer.text
    wrong_digits = bad.rstrip("亿元%年")
    assert wrong_digits not in answer.text
    shown = "".join(pieces)
    assert wrong_digits not in shown, shown
    assert all(wrong_digits not in piece for piece in pieces)
    # Of the model's own text, only what comes before the wrong figure was ever shown.
    said = "".join(wrong)
    shown_of_model = len(os.path.commonprefix([said, shown]))
    assert shown_of_model <= said.index(wrong_digits), shown
    assert len(server.answer_requests()) == 1


# -- an endpoint that fails -----------------------------------------------------------


def test_endpoint_down_falls_back_to_offline(sample_home, offline):
    bot = llm_assistant(sample_home, f"http://127.0.0.1:{free_port()}/v1")
    started = time.monotonic()
    _, answer = run(bot, QUESTION)
    assert time.monotonic() - started < 30
    assert_offline_fallback(bot, answer, offline)
    assert answer.unverified_figures == []


def test_slow_endpoint_times_out_and_falls_back(sample_home, server, offline):
    bot = llm_assistant(sample_home, server.base_url, timeout_s=1)
    server.reply_with(Reply(RIGHT, delay_s=6))
    started = time.monotonic()
    _, answer = run(bot, QUESTION)
    assert time.monotonic() - started < 30
    assert_offline_fallback(bot, answer, offline)
    assert len(server.requests) == 1


def test_slow_stream_times_out_between_chunks(sample_home, server, offline):
    bot = llm_assistant(sample_home, server.base_url, timeout_s=1)
    server.reply_with(Reply(RIGHT, chunks=RIGHT_CHUNKS, chunk_delay_s=3))
    started = time.monotonic()
    pieces, answer = run(bot, QUESTION)
    assert time.monotonic() - started < 30
    assert_offline_fallback(bot, answer, offline)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(raw_body=b"<html>502 Bad Gateway</html>"),
        Reply(raw_body=b'data: {"id": "x", "choices": [ broken\n\ndata: [DONE]\n\n'),
        Reply(""),
        Reply("   \n "),
    ],
    ids=["not-json", "broken-event", "empty", "blank"],
)
def test_garbage_falls_back_to_offline(llm_bot, server, offline, reply):
    server.reply_with(reply)
    _, answer = run(llm_bot, QUESTION)
    assert_offline_fallback(llm_bot, answer, offline)


# -- conversations and abstention -----------------------------------------------------


def test_followup_uses_the_rewrite_prompt(llm_bot, server):
    rewritten = "2020年全区重点项目完成年度任务的比例是多少?"

    def respond(request: RecordedRequest) -> Reply:
        if not request.stream:
            return Reply(rewritten)
        if "比例" in request.message("user").rsplit("问题", 1)[-1]:
            return Reply("2020年全区重点项目完成年度任务123.34%。[1]")
        return Reply(RIGHT)

    server.reply_with(respond)
    chat = llm_bot.chat()
    first = chat.ask(QUESTION)
    assert "158.72亿元" in first.text and not first.fallback_reason
    assert server.rewrite_requests() == []  # the first question stands alone

    second = chat.ask("那完成年度任务的比例呢?")
    [rewrite] = server.rewrite_requests()
    prompt = rewrite.message("user")
    assert prompt_line("rewrite") in prompt
    assert QUESTION.rstrip("?") in prompt and "那完成年度任务的比例呢?" in prompt
    assert second.standalone_question == rewritten
    assert rewritten in server.answer_requests()[-1].message("user")
    assert "123.34%" in second.text
    assert not second.fallback_reason and second.answerer == f"llm:{MODEL}"
    assert second.citations[0].section_path == SECTION


def test_followup_when_the_rewrite_fails_uses_the_rule(llm_bot, server):
    def respond(request: RecordedRequest) -> Reply:
        if not request.stream:
            return Reply(raw_body=b"not json at all")
        return Reply("完成年度任务123.34%。")

    server.reply_with(respond)
    history = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "158.72亿元"}]
    _, answer = run(llm_bot, "那完成年度任务的比例呢?", history=history)
    assert len(server.rewrite_requests()) == 1
    assert "123.34%" in answer.text
    assert "完成年度任务" in answer.standalone_question and "重点项目" in answer.standalone_question


def test_model_saying_not_in_notice_means_not_found(llm_bot, server):
    server.reply_with(Reply("【未载明】通报中没有提到这一指标。"))
    _, answer = run(llm_bot, QUESTION)
    assert answer.found is False
    assert answer.text.strip()
    assert "【未载明】" not in answer.text
    assert answer.answerer == f"llm:{MODEL}"


def test_model_is_never_called_without_an_answer_in_the_notice(llm_bot, server):
    server.reply_with(Reply(RIGHT))
    for question in ("高明区2021年的GDP是多少?", "2019年全区重点项目完成投资多少?"):
        _, answer = run(llm_bot, question)
        assert not answer.found
        assert "158.72亿元" not in answer.text.split("\n\n", 1)[0]
    assert server.requests == []
