"""The benchmark and its corpus generator. Speed is measured by `assistant bench`, never asserted here:
these tests check that the bench runs end to end and reports every figure, and that generated
notices are well-formed, reproducible and all different."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import REPO_ROOT
from eval.generate import METRICS, NoticeGenerator, chinese_numeral, load_sources, perturb, read_truth, relabel
from ingest.notice import read_notice
from ingest.sections import parse_sections

ONE_NOTICE_FIGURES = {
    "ingest.cold_s", "ingest.embed_passages_per_s", "ingest.reingest_s", "answer.p50_ms", "answer.p95_ms",
    "memory.peak_rss_mb", "cli.ask_cold_s", "cli.reingest_cold_s", "ingest.ms_per_passage",
    "ingest.ms_per_passage_without_model", "cli.first_ask_fresh_s",
    "concurrency.cpu_per_answer_ms", "concurrency.loaded_cpu_per_answer_ms", "concurrency.p50_ms", "concurrency.p95_ms",
    "concurrency.ratio",
}
TARGETED = {
    "ingest.reingest_s", "answer.p50_ms", "answer.p95_ms", "memory.peak_rss_mb", "cli.ask_cold_s",
    "cli.reingest_cold_s", "ingest.ms_per_passage", "cli.first_ask_fresh_s", "concurrency.ratio",
}


@pytest.fixture(scope="module")
def quick_bench(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "bench", "--quick", "--out", str(out)],
        capture_output=True, text=True, timeout=900, cwd=REPO_ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out, done.stdout, json.loads((out / "bench.json").read_text(encoding="utf-8"))


def test_quick_bench_reports_every_one_notice_figure(quick_bench):
    _, stdout, report = quick_bench
    figures = {f["key"]: f for f in report["figures"]}
    assert set(figures) == ONE_NOTICE_FIGURES
    for key, figure in figures.items():
        assert figure["runs"] == len(figure["values"]) >= 1
        assert figure["min"] <= figure["median"] <= figure["max"]
        assert figure["min"] > 0, key
        assert (figure["target"] is not None) == (key in TARGETED)
        assert figure["met"] == (None if figure["target"] is None else figure["median"] <= figure["target"])
        assert figure["label"] in stdout
    assert report["machine"]["cores"] >= 1
    assert set(report["load_average_1_5_15"]) >= {"start", "end"}
    assert report["import_profile"]["ask"]["total_s"] > 0 and report["import_profile"]["ask"]["top"]


def test_quick_bench_measures_growth_in_both_stores_with_labelled_vectors(quick_bench):
    _, stdout, report = quick_bench
    points = {(g["notices"], g["mode"], g["vectors"]): g for g in report["growth"]}
    assert set(points) == {
        (1, "embedded", "synthetic"), (1, "server", "synthetic"), (1, "embedded", "real"),
        (10, "embedded", "synthetic"), (10, "server", "synthetic"),
    }
    for point in points.values():
        assert point["nodes"] > 0
        assert point["passages_per_s"] > 0 and point["notices_per_s"] > 0
        for key in ("ingest_s", "answer_p50_ms", "answer_p95_ms"):
            assert point[key]["min"] <= point[key]["median"] <= point[key]["max"]
    # Same generated notices, same parser: both stores hold the same passages.
    assert points[(10, "embedded", "synthetic")]["nodes"] == points[(10, "server", "synthetic")]["nodes"]
    assert points[(1, "embedded", "synthetic")]["nodes"] == points[(1, "embedded", "real")]["nodes"]
    assert "synthetic" in report["vectors_note"] and "synthetic =" in stdout


def test_quick_bench_asks_each_place_its_metrics_and_counts_the_right_notice(quick_bench):
    _, stdout, report = quick_bench
    asked = {(g["notices"], g["mode"], g["vectors"]): g["places"] for g in report["growth"]}
    assert {k for k, v in asked.items() if v} == {(1, "embedded", "synthetic"), (10, "embedded", "synthetic")}
    places = asked[(10, "embedded", "synthetic")]
    assert places["notices_asked"] == 10 and places["questions"] == 10 * len(METRICS)
    assert places["stated"] + places["silent"] == places["questions"] and places["silent"] > 0
    assert 0 <= places["right_notice"] <= places["cited"] <= places["questions"]
    assert places["right_notice_rate"] == round(places["right_notice"] / places["cited"], 4)
    assert 0 <= places["silent_other_figure"] <= places["silent_found"] <= places["silent"]
    assert places["answer_p50_ms"] > 0 and "right notice" in stdout


def test_quick_bench_draws_its_plot(quick_bench):
    out, _, _ = quick_bench
    png = (out / "bench.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000


# -- the generator ------------------------------------------------------------------


@pytest.fixture(scope="module")
def sources():
    return load_sources()


def test_generated_notices_are_reproducible_and_all_different(sources, tmp_path):
    first = NoticeGenerator(sources, seed=7).write(30, tmp_path / "a")
    again = NoticeGenerator(sources, seed=7).write(30, tmp_path / "b")
    other = NoticeGenerator(sources, seed=8).write(30, tmp_path / "c")
    texts = [p.read_text(encoding="utf-8") for p in first]
    assert texts == [p.read_text(encoding="utf-8") for p in again]
    assert len(set(texts)) == 30
    assert not set(texts) & {p.read_text(encoding="utf-8") for p in other}


def test_generated_notices_read_as_notices_with_a_well_numbered_outline(sources, tmp_path):
    for path in NoticeGenerator(sources, seed=0).write(12, tmp_path):
        notice = read_notice(path)
        assert re.fullmatch(r"中共..市..[区县]委关于巡[视察]整改进展情况的通报", notice.title)
        assert notice.issuer and notice.signed_on
        sections = parse_sections(notice.text)
        assert len(sections) > 10
        # Siblings are numbered 1, 2, 3… at every level, whatever was dropped or borrowed.
        children: dict[tuple, list[str]] = {}
        for section in sections:
            if section.labels:
                children.setdefault(section.labels[:-1], []).append(section.labels[-1])
        for parent, labels in children.items():
            expected = [_label(n, labels[0]) for n in range(1, len(labels) + 1)]
            assert labels == expected, (path.name, parent)


def test_generated_notices_are_a_series_each_about_a_place_of_its_own(sources, tmp_path):
    paths = NoticeGenerator(sources, seed=0).write(40, tmp_path)
    truth = read_truth(tmp_path)
    assert set(truth) == {p.name for p in paths}
    assert len({t["place"] for t in truth.values()}) == 40
    source_places = {short for s in sources for _, short in s.places}
    silent = stated = 0
    for path in paths:
        facts = truth[path.name]
        notice = read_notice(path)
        assert facts["place"] in [p.name for p in notice.context.places]
        body = notice.text.split("\n")
        # (a source may indent its headings with full-width spaces: 　　一、…)
        opening_ends = next(i for i, line in enumerate(body) if line.lstrip(" \u3000").startswith("一、"))
        # Named in the title, the opening and the signature only; never a source's own place.
        assert not any(facts["place"] in line for line in body[opening_ends:-3]), path.name
        assert not any(short in notice.text for short in source_places), path.name
        [sentence] = [line for line in body if line.startswith("今年以来,全")] or [""]
        for metric in METRICS:
            figure = facts["metrics"][metric.key]
            if figure is None:
                silent += 1
                assert metric.name not in notice.text
            else:
                stated += 1
                assert metric.name in sentence and figure in sentence
        assert sentence.startswith(f"今年以来,全{facts['place'][-1]}") or sentence == ""
    assert silent and stated > silent
    # The same metric, different figures from place to place.
    figures = [t["metrics"]["petitions"] for t in truth.values() if t["metrics"]["petitions"]]
    assert len(set(figures)) > len(figures) * 0.8


def _label(n: int, sibling: str) -> str:
    """The n-th canonical label of the level `sibling` is at (levels can be skipped, so not by depth)."""
    if sibling.startswith("第"):
        return re.sub(r"第.+?(方面问题|方面|部分|章|节)", lambda m: f"第{chinese_numeral(n)}{m.group(1)}", sibling)
    if re.fullmatch(r"\(\d+\)", sibling):
        return f"({n})"  # (1) heads a section where its run opens lines (公文六级)
    if sibling.startswith("("):
        return f"({chinese_numeral(n)})"
    if sibling.endswith("."):
        return f"{n}."
    return chinese_numeral(n)


def test_every_figure_is_altered_and_item_marks_are_kept():
    text = "投入约4713万元,增长20.6%,共1.14亿元;2020年9月16日至31日。(1)狠抓落实(2)构建格局"
    changed = perturb(text, random.Random(3), year_shift=2)
    numbers = re.findall(r"\d+(?:\.\d+)?", text)
    altered = re.findall(r"\d+(?:\.\d+)?", changed)
    assert len(numbers) == len(altered)
    for before, after in zip(numbers[:-2], altered[:-2]):
        assert before != after
        assert before.count(".") == after.count(".") and len(before.partition(".")[2]) == len(after.partition(".")[2])
    assert "2022年" in changed
    assert changed.endswith("(1)狠抓落实(2)构建格局")


def test_headings_are_renumbered_in_their_own_style():
    assert relabel("（三）强化督查督办", 3, 1) == "（一）强化督查督办"
    assert relabel("(四)把握契机、加快发展。", 3, 12) == "(十二)把握契机、加快发展。"
    assert relabel("4、针对科技创新投入不足问题", 4, 2) == "2、针对科技创新投入不足问题"
    assert relabel("第三方面问题,落实不到位。", 2, 1) == "第一方面问题,落实不到位。"
    assert relabel("三、持续深化整改", 1, 2) == "二、持续深化整改"
