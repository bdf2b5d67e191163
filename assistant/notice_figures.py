"""「本通报中的数字」: every figure of a notice in one table, built on the facts ingest stored.

One row per fact (`NoticeStore.facts`): the figure as written, its kind, what it
counts, the time it holds for, the full section path with titles, and the sentence
it stands in (its offsets too, so the page can open the source with the quote
marked). The same rows feed `assistant figures` (CSV, Excel) and the page's table.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ingest.sections import Section, parse_sections

KIND_NAMES = {
    "money": "金额", "percent": "百分比", "count": "数量", "date": "日期", "year": "年份",
    "date_range": "时间段", "duration": "时长", "ordinal": "序数", "phone": "电话",
    "postcode": "邮编", "email": "邮箱", "number": "数字",
}
COLUMNS = ["数字", "类型", "数值", "单位", "指的是", "主题", "时间", "章节", "引文", "起", "止"]


@dataclass(frozen=True)
class FigureRow:
    figure: str
    kind: str  # in Chinese (KIND_NAMES)
    value: float | None
    unit: str
    counts: str  # what it is the figure of (the fact's governor)
    subject: str
    time: str
    section: str  # the full path, each level with its title
    quote: str  # the sentence holding the figure, verbatim
    start: int  # the figure's offsets in the stored notice text
    end: int

    def cells(self) -> list:
        return [self.figure, self.kind, self.value, self.unit, self.counts, self.subject, self.time,
                self.section, self.quote, self.start, self.end]


def full_path(labels: tuple[str, ...], titles: tuple[str, ...]) -> str:
    """`二 交办问题… › 第四方面问题 … › (一) … › 1. …`: every level with its title, where it has one."""
    from ingest.sections import PATH_SEPARATOR, display_path

    if not labels:
        return display_path(labels, titles)
    return PATH_SEPARATOR.join(f"{label} {title}".strip() for label, title in zip(labels, titles))


def figure_rows(assistant, doc_id: str) -> list[FigureRow]:
    """Every fact of the notice `doc_id` as a row, in reading order (raises UnknownDocumentError)."""
    text = assistant.notice_text(doc_id)
    sections = parse_sections(text)
    rows = []
    for fact in assistant.store.facts(doc_id):
        section = _section_at(sections, fact.start)
        rows.append(
            FigureRow(
                figure=fact.text,
                kind=KIND_NAMES.get(fact.kind.value, fact.kind.value),
                value=fact.value,
                unit=fact.unit,
                counts=fact.governor,
                subject=fact.subject,
                time=fact.time or fact.date,
                section=full_path(section.labels, section.titles) if section else "",
                quote=text[fact.sentence_start : fact.sentence_end].strip(),
                start=fact.start,
                end=fact.end,
            )
        )
    return rows


def _section_at(sections: list[Section], offset: int) -> Section | None:
    holding = [s for s in sections if s.start <= offset < max(s.end, s.start + 1)]
    return holding[-1] if holding else (sections[-1] if sections else None)


def write_csv(rows: list[FigureRow], path: Path) -> None:
    # utf-8-sig: Excel opens a CSV as GBK unless it starts with a byte-order mark.
    with Path(path).open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(["" if c is None else c for c in row.cells()] for row in rows)


def write_xlsx(rows: list[FigureRow], path: Path, title: str = "本通报中的数字") -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "数字"
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row.cells())
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions  # filter and sort by any column in Excel
    for column, width in zip("ABCDEFGHIJK", (14, 8, 12, 8, 20, 16, 12, 40, 60, 8, 8)):
        sheet.column_dimensions[column].width = width
    book.properties.title = title
    book.save(str(path))
