"""Facts cached by content hash, and the bundled notice's facts shipped with the package."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.config import SAMPLE_NOTICE
from assistant.sample_vectors import load_facts
from ingest import fact_cache, pipeline
from ingest.fact_cache import FactCache
from ingest.facts import extract_facts
from ingest.notice import read_notice

TEXT = "2020年,全区处理问题线索34件、立案19件,计划投资42.2亿元,实际完成投资45.83亿元。"


def test_a_cached_extraction_comes_back_as_it_went_in_and_only_for_its_own_text_and_date(tmp_path):
    cache = FactCache(tmp_path / "cache.sqlite")
    facts = [f.to_dict() for f in extract_facts(TEXT, notice_date="2021-05-06")]
    assert cache.get(TEXT, "2021-05-06") is None
    cache.put(TEXT, "2021-05-06", facts)
    assert FactCache(tmp_path / "cache.sqlite").get(TEXT, "2021-05-06") == facts  # persisted
    assert cache.get(TEXT, "2022-01-01") is None  # the date decides the time of undated figures
    assert cache.get(TEXT + "另", "2021-05-06") is None


def test_the_key_holds_the_extractors_fingerprint(monkeypatch):
    before = fact_cache.key(TEXT, "")
    monkeypatch.setattr(fact_cache, "fingerprint", lambda: "another extractor")
    assert fact_cache.key(TEXT, "") != before


def test_the_shipped_facts_are_what_the_extractor_makes_of_the_bundled_notice_today():
    """Stale shipped facts cost a fresh install ~3 s: rebuild with `python -m assistant.sample_vectors`."""
    notice = read_notice(SAMPLE_NOTICE)
    date = notice.signed_on or notice.published_on
    shipped = load_facts()
    assert list(shipped) == [fact_cache.key(notice.text, date)], "run `python -m assistant.sample_vectors`"
    assert next(iter(shipped.values())) == [f.to_dict() for f in extract_facts(notice.text, notice_date=date)]


def test_a_second_home_sharing_the_cache_gets_the_same_facts_without_extracting(tmp_path, monkeypatch):
    notice = tmp_path / "notice.txt"
    notice.write_text("关于整改情况的通报\n一、总体情况\n" + TEXT + "\n", encoding="utf-8")
    cache = tmp_path / "cache.sqlite"
    first = Assistant(home=tmp_path / "one", embedding_cache=cache)
    first.ingest(notice)

    def no_extraction(*args, **kwargs):
        raise AssertionError("the facts should have come from the cache")

    monkeypatch.setattr(pipeline, "extract_facts", no_extraction)
    second = Assistant(home=tmp_path / "two", embedding_cache=cache)
    second.ingest(notice)
    [one], [two] = first.documents(), second.documents()
    assert second.store.facts(two.doc_id) == first.store.facts(one.doc_id)
    assert any(f.text == "19件" and "立案" in f.governor for f in second.store.facts(two.doc_id))
    with pytest.raises(AssertionError):  # a text the cache has not seen is extracted
        Assistant(home=tmp_path / "three", embedding_cache=cache).ingest(_other(tmp_path))


def _other(tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("关于另一项工作的通报\n一、总体情况\n全年新增就业1200人。\n", encoding="utf-8")
    return other
