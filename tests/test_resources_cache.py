"""Built resources kept between processes: read back, they analyse exactly as freshly built ones; any change
of data or code, a damaged file or an unusable folder means building again, never a wrong or failed load."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from rasad import resources as resources_module
from rasad.pipeline import Pipeline
from rasad.records import InputDoc
from rasad.resources import Resources, cache_dir, fingerprint, load_resources

TEXTS = [
    InputDoc(
        "ar-1",
        "الرياض - التقى وزير الخارجية السعودي الأمير فيصل بن فرحان في الرياض يوم الأحد نظيره العراقي فؤاد حسين، "
        "وبحث الجانبان التعاون في مكافحة الإرهاب وتهريب المخدرات.",
        published="2024-03-10",
    ),
    InputDoc(
        "fa-1",
        "وزیر امور خارجه ایران روز دوشنبه ۱۲ اسفند ۱۴۰۲ در تهران با همتای عمانی خود دیدار و گفت‌وگو کرد و "
        "دو طرف یادداشت تفاهم همکاری امنیتی امضا کردند.",
        published="2024-03-04",
    ),
]


def _analyses(res: Resources) -> list[str]:
    p = Pipeline(res)
    return [repr((d.entities, d.events, d.warnings)) for d in map(p.analyze, TEXTS)]


def test_a_kept_build_is_read_back_and_analyses_like_a_fresh_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pipeline: Pipeline
) -> None:
    monkeypatch.setenv("RASAD_CACHE_DIR", str(tmp_path))
    built = load_resources()
    kept = list(tmp_path.glob("resources-*.pickle"))
    assert [k.name for k in kept] == [f"resources-{fingerprint()}.pickle"]

    def no_build(*_: object) -> Resources:
        raise AssertionError("built again although a build was kept")

    monkeypatch.setattr(resources_module, "build_resources", no_build)
    read = load_resources()
    assert read is not built
    fresh = _analyses(pipeline.res)
    assert any("Faisal" in a for a in fresh) and any("OMN" in a for a in fresh)  # the texts do give entities
    assert _analyses(read) == _analyses(built) == fresh
    assert read.countries == pipeline.res.countries and read.name_units == pipeline.res.name_units
    assert read.langs["fa"].gazetteer.trie == pipeline.res.langs["fa"].gazetteer.trie
    assert read.langs["ar"].dates == pipeline.res.langs["ar"].dates


def test_the_fingerprint_follows_every_file_of_the_package(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "data" / "ar").mkdir(parents=True)
    (pkg / "__pycache__").mkdir()
    (pkg / "stage.py").write_text("X = 1\n", encoding="utf-8")
    table = pkg / "data" / "ar" / "states.tsv"
    table.write_text("form\tkey\nمصر\tEGY\n", encoding="utf-8")
    first = fingerprint(root=pkg)
    (pkg / "__pycache__" / "stage.cpython-311.pyc").write_bytes(b"\0compiled")
    assert fingerprint(root=pkg) == first  # compiled files are not the package's content
    table.write_text("form\tkey\nمصر\tEGY\nالأردن\tJOR\n", encoding="utf-8")
    assert fingerprint(root=pkg) != first
    table.write_text("form\tkey\nمصر\tEGY\n", encoding="utf-8")
    assert fingerprint(root=pkg) == first
    (pkg / "stage.py").write_text("X = 2\n", encoding="utf-8")
    assert fingerprint(root=pkg) != first
    assert fingerprint(("ar",), root=pkg) != fingerprint(("ar", "fa"), root=pkg)


def test_a_damaged_or_foreign_file_is_built_again_and_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, res: Resources
) -> None:
    monkeypatch.setenv("RASAD_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(resources_module, "build_resources", lambda languages=(): res)
    kept = tmp_path / f"resources-{fingerprint()}.pickle"
    for junk in (b"", b"\x80\x05\x95 cut short", pickle.dumps({"not": "resources"})):
        kept.write_bytes(junk)
        assert load_resources() is not None
        assert isinstance(pickle.loads(kept.read_bytes()), Resources)


def test_older_builds_are_removed_when_a_new_one_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, res: Resources
) -> None:
    monkeypatch.setenv("RASAD_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(resources_module, "build_resources", lambda languages=(): res)
    (tmp_path / "resources-0123456789abcdef.pickle").write_bytes(b"an older build")
    (tmp_path / "notes.txt").write_text("not ours", encoding="utf-8")
    load_resources()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", f"resources-{fingerprint()}.pickle"]


def test_an_unusable_folder_or_off_means_building_without_keeping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, res: Resources
) -> None:
    calls: list[int] = []

    def build(languages: tuple[str, ...] = ()) -> Resources:
        calls.append(1)
        return res

    monkeypatch.setattr(resources_module, "build_resources", build)
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("RASAD_CACHE_DIR", str(blocked / "cache"))  # its parent is a file: mkdir fails
    assert load_resources() is not None and load_resources() is not None
    assert len(calls) == 2
    for off in ("off", "", "0"):
        monkeypatch.setenv("RASAD_CACHE_DIR", off)
        assert cache_dir() is None
    load_resources()
    assert len(calls) == 3 and blocked.read_text(encoding="utf-8") == ""
    monkeypatch.setenv("RASAD_CACHE_DIR", str(tmp_path / "kept"))
    load_resources(keep=False)
    assert len(calls) == 4 and not (tmp_path / "kept").exists()


def test_the_default_folder_is_the_users_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("RASAD_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "rasad"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "rasad"


def test_data_stats_says_where_the_build_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, res: Resources
) -> None:
    from click.testing import CliRunner

    from rasad.cli import main

    monkeypatch.setenv("RASAD_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(resources_module, "build_resources", lambda languages=(): res)
    out = CliRunner().invoke(main, ["data", "stats"]).output
    assert "not built yet" in out and str(tmp_path) in out
    load_resources()
    out = CliRunner().invoke(main, ["data", "stats"]).output
    assert f"resources-{fingerprint()}.pickle (kept)" in out.replace("\n", "")
    monkeypatch.setenv("RASAD_CACHE_DIR", "off")
    assert "not kept" in CliRunner().invoke(main, ["data", "stats"]).output
