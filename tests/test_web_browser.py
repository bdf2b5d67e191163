"""The chat page in headless Chromium, as a reader uses it: ask, read, open the source, check the figure.

Needs Debian's `chromium` and `chromium-driver` (and `fonts-noto-cjk` for the
screenshot's Chinese); tests/run.sh installs them. UPDATE_SCREENSHOT=1 also copies
the screenshot to eval/reports/chat-page.png, the one the README shows.
"""

from __future__ import annotations

import json
import os
import re
import time
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import REPO
from tests.test_web import INVESTMENT, INVESTMENT_SECTION, serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
README_SCREENSHOT = REPO / "eval" / "reports" / "chat-page.png"
ANSWER_TIMEOUT_S = 60  # the first question also loads the word segmenter and the indexes

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="needs /usr/bin/chromium and /usr/bin/chromedriver (Debian chromium, chromium-driver; tests/run.sh installs them)",
)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def page(bot):
    with serving(bot) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--window-size=1366,768",
        "--lang=en-US",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})  # the page must be Chinese anyway
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})  # every request the page makes
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


def open_page(browser, url: str):
    browser.get(url)
    return WebDriverWait(browser, 30).until(lambda d: d.find_element(By.CSS_SELECTOR, "#tb-question textarea"))


def answers(browser):
    """The finished answers on the page, oldest first (a streaming one is `.tb-pending`)."""
    return browser.find_elements(By.CSS_SELECTOR, "#tb-chat .tb-answer:not(.tb-pending)")


def ask(browser, question: str):
    before = len(answers(browser))
    box = browser.find_element(By.CSS_SELECTOR, "#tb-question textarea")
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    WebDriverWait(browser, ANSWER_TIMEOUT_S).until(lambda d: len(answers(d)) > before)
    return answers(browser)[-1]


def test_ask_open_a_citation_and_see_the_figure_marked_in_its_passage(browser, page, tmp_path):
    open_page(browser, page)
    answer = ask(browser, INVESTMENT)
    assert "158.72亿元" in answer.find_element(By.CSS_SELECTOR, ".tb-text").text
    citation = next(
        c for c in answer.find_elements(By.CSS_SELECTOR, "details.tb-cite")
        if c.find_element(By.CSS_SELECTOR, ".tb-cite-path").text.endswith(INVESTMENT_SECTION)
    )
    mark = citation.find_element(By.TAG_NAME, "mark")
    assert not mark.is_displayed()  # closed until the reader asks for the source

    citation.find_element(By.TAG_NAME, "summary").click()
    WebDriverWait(browser, 5).until(lambda d: mark.is_displayed())
    assert "158.72亿元" in mark.text
    assert mark.value_of_css_property("background-color") == "rgba(253, 230, 138, 1)"  # the highlight

    screenshot = tmp_path / "chat-page.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 20_000


def test_gradio_announces_a_finished_answer_in_chinese(browser, page):
    """Gradio's status line for screen readers uses keys no locale of its own translates."""
    open_page(browser, page)
    ask(browser, INVESTMENT)
    # While the answer is still coming the line says 加载中 (loading); what it says once done is the check.
    said = WebDriverWait(browser, ANSWER_TIMEOUT_S).until(
        lambda d: [t for e in d.find_elements(By.CSS_SELECTOR, "[role=status]")
                   if (t := e.get_attribute("textContent").strip())] or None
        if not any(e.get_attribute("textContent").strip() == "加载中" for e in d.find_elements(By.CSS_SELECTOR, "[role=status]"))
        else None)
    assert said == ["已完成"], said


def test_markup_in_a_question_is_shown_not_run(browser, page):
    open_page(browser, page)
    question = '<img src=x onerror="window.__injected=1"><script>window.__injected=2</script>完成投资多少?'
    ask(browser, question)
    assert browser.execute_script("return window.__injected === undefined")
    assert browser.find_elements(By.CSS_SELECTOR, "#tb-chat img[src='x'], #tb-chat script") == []
    assert browser.find_element(By.CSS_SELECTOR, "#tb-chat .tb-question").text == question


def test_an_example_question_runs_and_an_abstention_looks_different(browser, page):
    open_page(browser, page)
    example = next(e for e in browser.find_elements(By.CSS_SELECTOR, "#tb-chat button.example") if "GDP" in e.text)
    example.click()
    WebDriverWait(browser, ANSWER_TIMEOUT_S).until(lambda d: answers(d))
    abstention = answers(browser)[-1]
    assert "tb-abstain" in abstention.get_attribute("class")
    badge = abstention.find_element(By.CSS_SELECTOR, ".tb-badge")
    assert badge.is_displayed() and badge.text == "通报未载明"
    assert abstention.value_of_css_property("border-left-width") == "4px"

    found = ask(browser, INVESTMENT)
    assert "tb-found" in found.get_attribute("class")
    assert found.find_elements(By.CSS_SELECTOR, ".tb-badge") == []
    assert found.value_of_css_property("border-left-width") == "0px"


def test_new_conversation_clears_the_chat(browser, page):
    open_page(browser, page)
    ask(browser, INVESTMENT)
    browser.find_element(By.CSS_SELECTOR, "#tb-new").click()
    WebDriverWait(browser, 10).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#tb-chat .tb-question"))
    assert browser.find_elements(By.CSS_SELECTOR, "#tb-chat button.example")  # the examples are back


def test_the_page_requests_nothing_beyond_loopback(browser, page):
    open_page(browser, page)
    ask(browser, INVESTMENT)
    hosts = set()
    for entry in browser.get_log("performance"):  # everything since the browser started
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            url = urlparse(message["params"]["request"]["url"])
            if url.scheme in ("http", "https", "ws", "wss"):
                hosts.add(url.hostname)
    assert hosts == {"127.0.0.1"}


SIZES = [(1366, 768), (1920, 1080), (390, 844)]
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def in_viewport(browser, element) -> bool:
    return browser.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;", element)


@pytest.mark.parametrize("width, height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_at_each_size_question_answer_and_input_are_in_view(browser, page, tmp_path, width, height):
    browser.set_window_rect(width=width, height=height)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    try:
        open_page(browser, page)
        answer = ask(browser, INVESTMENT)
        time.sleep(0.5)  # the scroll that brings the question to the top
        box = browser.find_element(By.CSS_SELECTOR, "#tb-question textarea")
        question = browser.find_elements(By.CSS_SELECTOR, "#tb-chat .tb-question")[-1]
        assert in_viewport(browser, box), "the input is out of view"
        assert in_viewport(browser, question), "the question scrolled out of view"
        figure = answer.find_element(By.CSS_SELECTOR, ".tb-figure")
        body = float(answer.value_of_css_property("font-size").rstrip("px"))
        size = float(figure.value_of_css_property("font-size").rstrip("px"))
        assert size >= 1.5 * body, (size, body)
        note = answer.find_elements(By.CSS_SELECTOR, ".tb-note .tb-figure-alt")
        assert note and float(note[0].value_of_css_property("font-size").rstrip("px")) < size
        quotes = [c.find_element(By.TAG_NAME, "mark").get_attribute("textContent") for c in answer.find_elements(By.CSS_SELECTOR, "details.tb-cite")]
        assert len(quotes) == len(set(quotes))  # one row per quote
        assert "出自《中共佛山市高明区委关于巡视整改进展情况的通报》" in answer.text
        visible = browser.find_element(By.TAG_NAME, "body").text
        english = [w for w in ENGLISH_WORD.findall(visible) if w not in ("GDP", "CSV", "Excel", "txt", "html")]
        assert not english, english
        shot = tmp_path / f"chat-{width}x{height}.png"
        assert browser.save_screenshot(str(shot))
        print(f"{width}x{height}: figure {size}px / body {body}px; screenshot {shot}")
        if (width, height) == (1366, 768) and os.environ.get("UPDATE_SCREENSHOT") == "1":
            README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, README_SCREENSHOT)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
