"""SARIF validates against the OASIS schema and the copy GitHub's upload action uses."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from readylint.cli import main

SCHEMAS = Path(__file__).parent / "schemas"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ticketing-api"


def validate(document: dict, schema_name: str) -> None:
    schema = json.loads((SCHEMAS / schema_name).read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    checker = jsonschema.FormatChecker()  # every format, uri-reference included
    assert {"uri", "uri-reference"} <= set(checker.checkers), "install jsonschema[format]"
    errors = sorted(validator_class(schema, format_checker=checker).iter_errors(document), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def sarif_for(*args: str) -> dict:
    result = CliRunner().invoke(main, ["check", *args, "--format", "sarif"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


@pytest.mark.parametrize(
    "schema", ["sarif-schema-2.1.0.oasis.json", "sarif-schema-2.1.0.github.json"]
)
def test_example_sarif_validates(schema: str) -> None:
    document = sarif_for(str(EXAMPLE), "--category", "readylint")
    assert document["runs"][0]["results"], "the example should produce findings"
    validate(document, schema)


@pytest.mark.parametrize(
    "schema", ["sarif-schema-2.1.0.oasis.json", "sarif-schema-2.1.0.github.json"]
)
def test_awkward_paths_are_percent_encoded(tmp_path: Path, schema: str) -> None:
    folder = tmp_path / "my app #2"
    folder.mkdir()
    (folder / "serv er.js").write_text("const cors = require('cors');\ncors();\n", encoding="utf-8")
    (folder / "bad.js").write_bytes(b"const a = '\xfa\x80 not utf8';\n")
    document = sarif_for(str(folder))
    uri = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"][
        "uri"
    ]
    assert " " not in uri and "#" not in uri and uri.endswith("my%20app%20%232/serv%20er.js")
    notes = document["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("bad.js" in n["message"]["text"] for n in notes)
    validate(document, schema)


def test_run_shape_for_github() -> None:
    document = sarif_for(str(EXAMPLE), "--category", "api")
    run = document["runs"][0]
    assert document["version"] == "2.1.0" and "$schema" in document
    assert run["columnKind"] == "utf16CodeUnits"
    assert run["automationDetails"]["id"] == "api/"
    assert "%SRCROOT%" in run["originalUriBaseIds"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    sec002 = rules["SEC002"]
    assert sec002["defaultConfiguration"]["level"] == "error"
    assert "security" in sec002["properties"]["tags"]
    assert sec002["properties"]["precision"] in ("very-high", "high", "medium", "low")
    assert float(sec002["properties"]["security-severity"]) > 0
    assert sec002["help"]["markdown"].startswith("# SEC002")
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["partialFingerprints"]["readylintFingerprint/v1"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert not result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith(
            "/"
        )


def test_utf16_columns_in_sarif_and_characters_in_json(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text(
        "const cors = require('cors'); /* 😀 */ cors();\n", encoding="utf-8"
    )
    sarif = sarif_for(str(tmp_path / "a.js"))
    region = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    data = json.loads(
        CliRunner().invoke(main, ["check", str(tmp_path / "a.js"), "--format", "json"]).output
    )
    assert region["startColumn"] == data["findings"][0]["column"] + 1
