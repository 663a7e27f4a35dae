"""Every language folder is complete: a new language is a new folder with the same files."""

from __future__ import annotations

from rasad.lexicon import DATA_DIR, read_tsv


def test_every_language_folder_has_the_same_files() -> None:
    langs = sorted(p for p in (DATA_DIR / "lang").iterdir() if p.is_dir())
    assert [p.name for p in langs] == ["ar", "fa"]
    names = [sorted(f.name for f in p.glob("*.tsv")) for p in langs]
    assert names[0] == names[1], set(names[0]) ^ set(names[1])


def test_every_data_file_has_a_provenance_line_and_rows() -> None:
    for path in sorted(DATA_DIR.rglob("*.tsv")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# source:"), path
        assert read_tsv(path), f"{path} has no rows"


def test_the_data_readme_names_every_language_file() -> None:
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for path in sorted((DATA_DIR / "lang" / "ar").glob("*.tsv")):
        assert f"`{path.name}`" in readme, path.name
