"""Which packages a command installs."""
from __future__ import annotations

import pytest

from adr.actions import PackageRef
from adr.supply.extract import extract_installs, parse_requirements_text


def names(argv, cwd="/tmp", **kw):
    return [(r.ecosystem, r.name, r.spec, r.source, r.index) for r in extract_installs(tuple(argv), cwd, **kw)]


@pytest.mark.parametrize("argv,expected", [
    (["pip", "install", "flask>=2.0"], [("pypi", "flask", ">=2.0", "", "")]),
    (["pip3", "install", "requests[socks]>=2,<3"], [("pypi", "requests", ">=2,<3", "", "")]),
    (["python", "-m", "pip", "install", "Django==4.2; python_version >= '3.8'"], [("pypi", "Django", "==4.2", "", "")]),
    (["python3.11", "-m", "pip", "install", "-U", "--user", "six"], [("pypi", "six", "", "", "")]),
    (["pip", "--disable-pip-version-check", "install", "six"], [("pypi", "six", "", "", "")]),
    (["pip", "install", "--index-url", "https://evil.example/simple", "requests"],
     [("pypi", "requests", "", "", "https://evil.example/simple")]),
    (["pip", "install", "--extra-index-url=https://pypi.corp/simple", "corp-lib"],
     [("pypi", "corp-lib", "", "", "https://pypi.corp/simple")]),
    (["pip", "install", "-i", "https://pypi.org/simple", "six"], [("pypi", "six", "", "", "")]),
    (["pip", "install", "--target", "vendor", "--platform", "manylinux2014_x86_64", "attrs"],
     [("pypi", "attrs", "", "", "")]),
    (["pip", "install", "git+https://github.com/foo/bar.git@v1#egg=bar"],
     [("pypi", "bar", "", "git+https://github.com/foo/bar.git@v1#egg=bar", "")]),
    (["pip", "install", "https://x.example/pkg-1.0.tar.gz"], [("pypi", "pkg", "", "https://x.example/pkg-1.0.tar.gz", "")]),
    (["pip", "install", "pkg @ https://x.example/p.whl"], [("pypi", "pkg", "", "https://x.example/p.whl", "")]),
    (["pip", "list"], []),
    (["pip", "download", "flask"], []),
    (["uv", "pip", "install", "ruff>=0.1"], [("pypi", "ruff", ">=0.1", "", "")]),
    (["uv", "add", "--dev", "httpx"], [("pypi", "httpx", "", "", "")]),
    (["uvx", "ruff@0.5.1", "check"], [("pypi", "ruff", "==0.5.1", "", "")]),
    (["uvx", "--from", "black==24.1", "black", "."], [("pypi", "black", "==24.1", "", "")]),
    (["poetry", "add", "requests@^2.31", "pendulum>=2", "--group", "dev"],
     [("pypi", "requests", "^2.31", "", ""), ("pypi", "pendulum", ">=2", "", "")]),
    (["pipx", "install", "cowsay"], [("pypi", "cowsay", "", "", "")]),
    (["pipx", "run", "pycowsay", "moo"], [("pypi", "pycowsay", "", "", "")]),
    (["npm", "install", "react@^18.2.0"], [("npm", "react", "^18.2.0", "", "")]),
    (["npm", "i", "-D", "@scope/pkg@1.2", "lodash"], [("npm", "@scope/pkg", "1.2", "", ""), ("npm", "lodash", "", "", "")]),
    (["npm", "install", "--registry", "https://npm.corp/", "x"], [("npm", "x", "", "", "https://npm.corp/")]),
    (["npm", "install", "--registry=https://registry.npmjs.org/", "x"], [("npm", "x", "", "", "")]),
    (["npm", "install", "alias@npm:real-pkg@^2"], [("npm", "real-pkg", "^2", "", "")]),
    (["npm", "install", "user/repo"], [("npm", "repo", "", "github:user/repo", "")]),
    (["npm", "install", "https://x.example/y.tgz"], [("npm", "y", "", "https://x.example/y.tgz", "")]),
    (["npm", "ci"], []),
    (["npm", "run", "build"], []),
    (["npx", "-y", "create-react-app", "my-app"], [("npm", "create-react-app", "", "", "")]),
    (["npx", "--package", "@angular/cli", "ng", "new"], [("npm", "@angular/cli", "", "", "")]),
    (["yarn", "add", "react", "react-dom@18"], [("npm", "react", "", "", ""), ("npm", "react-dom", "18", "", "")]),
    (["yarn", "global", "add", "typescript"], [("npm", "typescript", "", "", "")]),
    (["yarn", "install"], []),
    (["pnpm", "add", "-D", "vite"], [("npm", "vite", "", "", "")]),
    (["bun", "add", "elysia"], [("npm", "elysia", "", "", "")]),
    (["cargo", "install", "ripgrep"], [("cargo", "ripgrep", "", "", "")]),
    (["cargo", "add", "serde@1", "-F", "derive"], [("cargo", "serde", "1", "", "")]),
    (["cargo", "install", "--git", "https://github.com/x/y", "y"], [("cargo", "y", "", "https://github.com/x/y", "")]),
    (["gem", "install", "rails", "-v", "7.0"], [("gem", "rails", "7.0", "", "")]),
    (["gem", "install", "--source", "https://gems.evil", "nokogiri"], [("gem", "nokogiri", "", "", "https://gems.evil")]),
    (["go", "install", "golang.org/x/tools/gopls@latest"], [("go", "golang.org/x/tools/gopls", "latest", "", "")]),
    (["go", "build", "./..."], []),
    (["brew", "install", "--cask", "firefox", "wget"], [("brew", "firefox", "", "", ""), ("brew", "wget", "", "", "")]),
    (["brew", "install", "someone/tap/tool"], [("brew", "tool", "", "tap:someone/tap", "")]),
    (["ls", "install", "flask"], []),
    ([], []),
])
def test_extract(argv, expected):
    assert names(argv) == expected


def test_requirements_file_is_followed(tmp_path):
    (tmp_path / "requirements.txt").write_text(
        "# comment\nflask>=2.0  # web\nrequests[socks]==2.31 ; python_version > '3'\n-r more/dev.txt\n"
        "numpy \\\n  >=1.0 --hash=sha256:abc\n-e git+https://github.com/x/y.git#egg=yy\n")
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "dev.txt").write_text("-r ../requirements.txt\npytest\n")  # a loop: bounded depth
    got = names(["pip", "install", "-r", "requirements.txt"], cwd=str(tmp_path))
    assert ("pypi", "flask", ">=2.0", "", "") in got
    assert ("pypi", "requests", "==2.31", "", "") in got
    assert ("pypi", "numpy", ">=1.0", "", "") in got
    assert ("pypi", "pytest", "", "", "") in got
    assert ("pypi", "yy", "", "git+https://github.com/x/y.git#egg=yy", "") in got
    assert len(got) < 100


def test_requirements_missing_or_huge(tmp_path):
    assert names(["pip", "install", "-r", "nope.txt"], cwd=str(tmp_path)) == []
    big = tmp_path / "big.txt"
    big.write_text("pkg\n" * 400_000)  # 1.6 MB: read up to the bound only
    got = extract_installs(("pip", "install", "-r", "big.txt"), str(tmp_path))
    assert 0 < len(got) <= 500


def test_requirements_index_line_applies_to_the_file():
    refs = parse_requirements_text("a\n--index-url https://idx.corp/simple\nb\n", "/", read=lambda p: None)
    assert {r.index for r in refs} == {"https://idx.corp/simple"}


def test_reader_is_injectable():
    seen = []
    refs = extract_installs(("pip", "install", "-r", "r.txt"), "/w", read=lambda p: seen.append(p) or "x==1\n")
    assert seen == ["/w/r.txt"] and refs == [PackageRef("pypi", "x", "==1")]
