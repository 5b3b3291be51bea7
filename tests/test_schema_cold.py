"""What the schema does not do for a cold build: read CLDR's script names or
make the fonts' model (205 fields) unless a clinic.yaml's fonts: needs them,
and look up pydantic's plugins for its own models (docs/security.md). Each
runs in a new process, where nothing has been made yet. (Speed itself is
measured by bench/, never here.)"""

from __future__ import annotations

import json
import sys
import textwrap

from helpers import REPO, processes_at_once


def fresh(code: str):
    """Run ``code`` in a new process; the JSON it printed last."""
    (result,) = processes_at_once([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_the_fonts_model_and_script_names_are_made_only_when_a_fonts_block_needs_them():
    code = """
        import json, sys, yaml
        from pathlib import Path
        from handouts import scripts
        from handouts.schema import clinic
        seen = {}
        def note(name):
            made = clinic._FontsBase.__subclasses__()
            seen[name] = {"babel imported": "babel" in sys.modules,
                          "script names read": scripts._script_names.cache_info().currsize > 0,
                          "every script": any("hebrew" in m.model_fields for m in made),
                          "groups only": any("hebrew" not in m.model_fields for m in made)}
        note("imported")
        data = yaml.safe_load(Path("content/clinic.yaml").read_text("utf-8"))
        data.pop("fonts", None)
        clinic.Clinic.model_validate(data)
        note("no fonts:")
        data["fonts"] = {"regular": "a.ttf", "bold": "b.ttf", "cjk": {"regular": "c.ttf"}}
        fonts = clinic.Clinic.model_validate(data).fonts
        note("fonts: of the groups' keys")
        assert list(fonts.files()) == [(("fonts", "regular"), "a.ttf"), (("fonts", "bold"), "b.ttf"),
                                       (("fonts", "cjk", "regular"), "c.ttf")]
        assert sorted(fonts.per_script()) == ["cjk", "latin"]
        data["fonts"] = {"hebrew": {"regular": "h.ttf"}}
        fonts = clinic.Clinic.model_validate(data).fonts
        note("fonts: hebrew")
        assert list(fonts.files()) == [(("fonts", "hebrew", "regular"), "h.ttf")]
        print(json.dumps(seen))
    """
    seen = fresh(code)
    nothing = {"babel imported": False, "script names read": False, "every script": False,
               "groups only": False}
    assert seen["imported"] == seen["no fonts:"] == nothing
    assert seen["fonts: of the groups' keys"] == {**nothing, "groups only": True}
    assert seen["fonts: hebrew"] == {"babel imported": True, "script names read": True,
                                     "every script": True, "groups only": True}


def test_the_groups_fonts_model_accepts_and_refuses_as_the_whole_one():
    """The same values, files and messages from both models, for every fonts:
    block the groups' model is picked for (the whole model is asked directly)."""
    from handouts.loader import Loaded
    from handouts.schema import clinic
    from handouts.schema.validate import validate

    blocks = [{}, {"regular": "a", "bold": "b"}, {"regular": "a"}, {"latin": {"regular": "a"}},
              {"regular": "a", "bold": "b", "latin": {"regular": "a"}}, {"cjk": 5}, {"cjk": None},
              {"cjk": {}}, {"cjk": {"regullar": "x"}}, {"arabic": {"regular": " ", "bold": "b" * 301}},
              {"greek": {"regular": "g"}, "cyrillic": {"regular": "y", "italic": ["x"]}},
              {"italic": "i"}, {"bold": "b", "latin": {"bold": "c"}}, {"regular": 5, "bold": True}]
    for block in blocks:
        assert clinic._fonts_model_for(block) is clinic.groups_fonts_model(), block
        said = []
        for model in (clinic.groups_fonts_model(), clinic.fonts_model()):
            try:
                fonts = validate(model, Loaded(path=REPO / "fonts.yaml", data=block, marks={}))
                said.append(("ok", list(fonts.files()), {k: v.model_dump() for k, v in fonts.per_script().items()}))
            except Exception as exc:  # noqa: BLE001: the messages are compared
                said.append(("refused", str(exc)))
        assert said[0] == said[1], block
    for other in ({"hebrew": {"regular": "h"}}, {"arabik": {}}, {1: "x"}, 5, ["cjk"], "cjk"):
        assert clinic._fonts_model_for(other) is clinic.fonts_model(), other


def test_handouts_models_skip_pydantic_plugins_and_other_models_keep_them(tmp_path):
    """A pydantic plugin installed in the environment (an entry point in the
    ``pydantic`` group, as logfire's is) is never looked up for handouts' own
    models, so a build neither imports ``pydantic.plugin._loader`` (with
    ``importlib.metadata``) nor scans every installed distribution; any other
    model in the same process still gets the plugin."""
    site = tmp_path / "site"
    (site / "seen_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "seen_plugin-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: seen-plugin\nVersion: 1.0\n", "utf-8")
    (site / "seen_plugin-1.0.dist-info" / "entry_points.txt").write_text(
        "[pydantic]\nseen = seen_plugin:plugin\n", "utf-8")
    (site / "seen_plugin.py").write_text(textwrap.dedent("""
        SEEN = []
        class _Plugin:
            def new_schema_validator(self, schema, schema_type, schema_type_path, schema_kind,
                                     config, plugin_settings):
                SEEN.append(schema_type_path.name)
                return None, None, None
        plugin = _Plugin()
    """), "utf-8")
    code = f"""
        import json, sys
        sys.path.insert(0, {str(site)!r})
        from handouts.cli import main
        try:
            main(["build", "--project", {str(REPO)!r}, "--lang", "en", "--out", {str(tmp_path / "out")!r},
                  "leg-cramps"])
        except SystemExit as exc:
            assert not exc.code, exc.code
        after_build = "pydantic.plugin._loader" in sys.modules
        from pydantic import BaseModel
        class Theirs(BaseModel):
            name: str
        Theirs(name="x")
        import seen_plugin
        print(json.dumps([after_build, seen_plugin.SEEN]))
    """
    assert fresh(code) == [False, ["Theirs"]]
