from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rasad.pipeline import Pipeline
from rasad.resources import Resources

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SCHEMA_PATH = SHARED / "spec" / "document.schema.json"


@pytest.fixture(scope="session", autouse=True)
def _resource_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Built resources are kept in a folder of this test run (not the user's cache), which the commands the
    tests start in subprocesses inherit: each of them reads the build instead of building again."""
    os.environ["RASAD_CACHE_DIR"] = str(tmp_path_factory.mktemp("resource-cache"))


@pytest.fixture(scope="session")
def pipeline(_resource_cache: None) -> Pipeline:
    return Pipeline.load()


@pytest.fixture(scope="session")
def res(pipeline: Pipeline) -> Resources:
    return pipeline.res


@pytest.fixture(scope="session")
def schema_validator():  # type: ignore[no-untyped-def]
    """The output contract; skips (with the reason) only where ../shared is not beside the repository."""
    if not SCHEMA_PATH.exists():
        pytest.skip(f"output schema not found at {SCHEMA_PATH} (../shared is not beside the repository)")
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)
