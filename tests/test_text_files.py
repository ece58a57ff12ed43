"""Translators' files coming back: every problem named by file, row (line, unit) and path, and
files that are not what they claim, too large or hostile refused before they are parsed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from app.text_files import TextsExport, TextsFileError, read_texts, write_texts
from app.text_files.checks import check_files
from app.text_files.model import TEXTS_FILE_BYTES, WORKBOOK_BYTES
from scoring import Definition, parse_definition, text_units
from tests.cli.texts_files import SUFFIX, fill
from tests.helpers import minimal_definition

FORMATS = ("xlsx", "po", "xliff")
MANDATE = "items[leadership.mandate].text"
BUDGET = "items[leadership.has_budget].text"
TRAINING = "items[services.training].text"
SIZE = "items[leadership.budget_size].text"


def mini() -> Definition:
    return parse_definition(minimal_definition())


def exported(tmp_path: Path, kind: str, targets: tuple[str, ...] = ("fr",)) -> Path:
    definition = mini()
    export = TextsExport("mini", "1.0", "en", targets, text_units(definition))
    path = tmp_path / f"mini{SUFFIX[kind]}"
    path.write_bytes(write_texts(export, kind))
    return path


def translated(path: str, language: str, source: str) -> str:
    return f"{source} ({language})"


def problems_of(path: Path, base: Definition | None = None) -> list[str]:
    """Every problem an import names for the file, as printed (without the file name)."""
    try:
        texts = read_texts(path)
    except TextsFileError as exc:
        return [str(p).removeprefix(f"{path}: ") for p in exc.problems]
    _translations, problems = check_files(base or mini(), [texts])
    return [str(p).removeprefix(f"{path}: ") for p in problems]


def where(path: Path, kind: str, text_path: str, language: str = "fr") -> str:
    """Where a translator finds a text in the file: its row, its msgid line, its unit."""
    if kind == "xlsx":
        sheet = openpyxl.load_workbook(path)["Texts"]
        row = next(c.row for c in sheet["A"] if c.value == text_path)
        return f"row {row}: {text_path}"
    if kind == "po":
        return f"line {msgid_line(path.read_text(encoding='utf-8'), text_path)}: {text_path}"
    return f"unit '{text_path}' in {language}"


def msgid_line(text: str, text_path: str) -> int:
    """The line of the msgid of a text's message: the one after its msgctxt."""
    context = 'msgctxt "' + text_path + '"'
    return text.splitlines().index(context) + 2


@pytest.mark.parametrize("kind", FORMATS)
def test_complete_file_gives_every_text(tmp_path: Path, kind: str) -> None:
    path = exported(tmp_path, kind)
    fill(path, kind, translated)
    translations, problems = check_files(mini(), [read_texts(path)])
    assert problems == []
    assert translations[BUDGET] == {"fr": "Budget? (fr)"}
    assert len(translations) == len(text_units(mini()))


@pytest.mark.parametrize("kind", FORMATS)
def test_missing_changed_and_broken_texts_are_named_by_row(tmp_path: Path, kind: str) -> None:
    """Against a later base version: a text changed and one removed since the export."""
    path = exported(tmp_path, kind)
    broken = {MANDATE: "", BUDGET: "<b>Budget</b> ?"}
    fill(path, kind, lambda p, language, source: broken.get(p, translated(p, language, source)))
    later = minimal_definition()
    later["items"] = [i for i in later["items"] if i["id"] != "leadership.budget_size"]
    later["items"][-1]["text"]["en"] = "Training for staff?"
    assert problems_of(path, parse_definition(later)) == [
        f"{where(path, kind, MANDATE)}: missing fr translation",
        f"{where(path, kind, BUDGET)}: placeholders or markup differ from the source text: "
        "not in the source <b>, </b>",
        f"{where(path, kind, SIZE)}: unknown path: mini 1.0 has no such text",
        f"{where(path, kind, TRAINING)}: the source text changed since the export; it now "
        "reads 'Training for staff?'",
    ]


@pytest.mark.parametrize("kind", FORMATS)
def test_untranslated_file_names_each_text(tmp_path: Path, kind: str) -> None:
    path = exported(tmp_path, kind)
    problems = problems_of(path)
    assert len(problems) == len(text_units(mini()))
    assert problems[0] == f"{where(path, kind, 'title')}: missing fr translation"


def test_xlsx_rows_deleted_duplicated_edited_or_a_formula(tmp_path: Path) -> None:
    path = exported(tmp_path, "xlsx")
    fill(path, "xlsx", translated)
    book = openpyxl.load_workbook(path)
    sheet = book["Texts"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    rows[MANDATE][3].value = '=HYPERLINK("http://example.org")'
    rows[BUDGET][2].value = "Budget for this year?"
    sheet.append([c.value for c in rows["title"]])
    training_row = rows[TRAINING][0].row
    sheet.delete_rows(training_row)
    book.save(path)
    assert problems_of(path) == [
        f"row {rows[MANDATE][0].row}: {MANDATE}: the fr cell holds a formula, not a text",
        f"row {rows[BUDGET][0].row}: {BUDGET}: the source text was edited in the file; source "
        "texts change in the definition, so restore it and translate the text as exported",
        f"row {sheet.max_row}: title: the fr translation of this text is given twice "
        "(first at row 2)",
        f"{TRAINING}: no fr translation: the file has no row for this text",
    ]


def test_xlsx_that_is_no_texts_export_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(path)
    assert problems_of(path) == ["not a texts export: it needs the sheets Texts and About"]
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert problems_of(path) == ["not an XLSX workbook (not a zip file)"]


def test_xlsx_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    """A small file whose zip declares more than WORKBOOK_BYTES unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"\0" * (WORKBOOK_BYTES + 1))
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < TEXTS_FILE_BYTES // 50
    assert problems_of(path) == [f"the workbook unpacks to more than {WORKBOOK_BYTES} bytes"]


def test_po_fuzzy_duplicate_and_foreign_files(tmp_path: Path) -> None:
    path = exported(tmp_path, "po")
    fill(path, "po", translated)
    text = path.read_text(encoding="utf-8")
    text = text.replace(f'msgctxt "{MANDATE}"', f'#, fuzzy\nmsgctxt "{MANDATE}"')
    text += '\n#. sha256:0d83dd2a4d2fa08b\nmsgctxt "title"\nmsgid "Mini"\nmsgstr "Mini (bis)"\n'
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    assert problems_of(path) == [
        f"line {msgid_line(text, MANDATE)}: {MANDATE}: is marked fuzzy (needs "
        "review): review it and remove the mark",
        f"line {len(lines) - 1}: title: the fr translation of this text is given twice "
        f"(first at line {msgid_line(text, 'title')})",
    ]
    plain = tmp_path / "messages.po"
    plain.write_text('msgid "Hello"\nmsgstr "Bonjour"\n', encoding="utf-8")
    assert problems_of(plain) == [
        "not a texts export: its header comment does not say 'integration-radar texts 1'"
    ]
    workbook = exported(tmp_path, "xlsx")
    disguised = tmp_path / "workbook.po"
    disguised.write_bytes(workbook.read_bytes())
    assert problems_of(disguised) == ["not a PO file that can be read: it holds binary data"]


def test_xliff_entities_inline_markup_and_foreign_xml(tmp_path: Path) -> None:
    bomb = tmp_path / "laughs.xlf"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
        '<xliff version="1.2"><file><body>&lol2;</body></file></xliff>\n',
        encoding="utf-8",
    )
    assert problems_of(bomb) == ["XML with a DTD or entities is refused (DTDForbidden)"]
    html = tmp_path / "page.xlf"
    html.write_text("<html><body>Hello</body></html>", encoding="utf-8")
    assert problems_of(html) == ["not an XLIFF 1.2 document"]
    broken = tmp_path / "broken.xlf"
    broken.write_text('<xliff version="1.2">\n<file>\n</xliff>', encoding="utf-8")
    assert problems_of(broken) == ["line 3: not XML that can be read: mismatched tag"]

    path = exported(tmp_path, "xliff")
    fill(path, "xliff", translated)
    text = path.read_text(encoding="utf-8")
    plain, inline = ">Mini (fr)</target>", '><g id="1">Mini</g> (fr)</target>'
    text = text.replace(plain, inline)
    path.write_text(text, encoding="utf-8")
    assert problems_of(path) == [
        "unit 'title' in fr: the target holds inline elements (g); texts are plain"
    ]
    unit_start = text.index('<trans-unit id="items[leadership.mandate].text"')
    unit = text[unit_start : text.index("</trans-unit>", unit_start) + len("</trans-unit>")]
    path.write_text(text.replace(inline, plain).replace(unit, unit + unit), encoding="utf-8")
    assert problems_of(path) == [
        f"unit '{MANDATE}' in fr: the fr translation of this text is given twice "
        f"(first at unit '{MANDATE}' in fr)"
    ]


def test_files_of_different_exports_or_the_same_language_twice(tmp_path: Path) -> None:
    first = exported(tmp_path, "po")
    fill(first, "po", translated)
    second = tmp_path / "again.po"
    second.write_bytes(first.read_bytes().replace(b"# Version: 1.0", b"# Version: 1.2"))
    texts = [read_texts(first), read_texts(second)]
    _translations, problems = check_files(mini(), texts)
    assert [str(p) for p in problems] == [
        f"{second}: exported from mini 1.2 (en), but {first} from mini 1.0 (en)",
        f"{second}: target language fr comes from {first} too",
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("texts.txt", "unknown kind of file '.txt'; known: .po, .xlf, .xliff, .xlsx"),
        ("huge.po", f"the file is larger than {TEXTS_FILE_BYTES} bytes"),
    ],
)
def test_unknown_or_too_large_files_are_refused_unread(
    tmp_path: Path, name: str, message: str
) -> None:
    path = tmp_path / name
    with path.open("wb") as sparse:
        sparse.truncate(TEXTS_FILE_BYTES + 1)
    assert problems_of(path) == [message]


def test_xlsx_export_stores_formula_like_texts_as_text(tmp_path: Path) -> None:
    """A source text starting with "=" stays a text in the workbook, and comes back as it was."""
    data = minimal_definition()
    data["title"]["en"] = '=HYPERLINK("http://example.org", "Mini")'
    definition = parse_definition(data)
    path = tmp_path / "mini.xlsx"
    export = TextsExport("mini", "1.0", "en", ("de",), text_units(definition))
    path.write_bytes(write_texts(export, "xlsx"))
    cell = openpyxl.load_workbook(path)["Texts"]["C2"]
    assert (cell.value, cell.data_type) == (data["title"]["en"], "s")
    translations, problems = check_files(definition, [read_texts(path)])
    assert problems == []
    assert translations["title"] == {"de": "Mini"}


def test_a_file_without_target_languages_is_refused(tmp_path: Path) -> None:
    path = exported(tmp_path, "xlsx", targets=())
    assert problems_of(path) == ["the file names no target language"]
