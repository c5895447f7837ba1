"""Organisation keys never merge two governments (issue 27, finding 4): a key is the code of
the administrative division the name starts with, then the name in pinyin, so homophones
(苏州/宿州, 福州/抚州, 泰州/台州) differ; over the whole country's division names no two
distinct names share a key, and a build that would give two names one key fails loudly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from service.build import build
from service.package.writer import slugify
from service.rdf.regions import divisions
from service.rdf.terms import organization_collisions, organization_key
from tests.conftest import PACKAGES, SEED_SLUG

HOMOPHONES = [("苏州市", "宿州市"), ("福州市", "抚州市"), ("泰州市", "台州市")]


def _national_names() -> list[str]:
    """A department of every division, named as its government prints it: 江苏省财政厅,
    苏州市应急管理局, 上海市普陀区财政局 (a county under its prefecture's name)."""
    by_code = {d.code: d for d in divisions()}
    names = []
    for division in divisions():
        parent = by_code.get(division.parent or "")
        if parent is None:
            names.append(f"{division.name}财政厅")
        elif parent.parent is None:
            names.append(f"{division.name}应急管理局")
            if parent.name.endswith("市"):  # a municipality's district: 上海市普陀区
                names.append(f"{parent.name}{division.name}财政局")
        else:
            names.append(f"{parent.name}{division.name}财政局")
    return names


def test_homophone_cities_have_their_own_keys() -> None:
    for left, right in HOMOPHONES:
        a, b = f"{left}应急管理局", f"{right}应急管理局"
        assert slugify(a) == slugify(b)  # what the key was: one IRI for two governments
        assert organization_key(a) != organization_key(b)
        assert organization_key(a).endswith(slugify(a))  # still readable
    assert organization_key("苏州市应急管理局") == "320500-su-zhou-shi-ying-ji-guan-li-ju"
    assert organization_key("宿州市应急管理局") == "341300-su-zhou-shi-ying-ji-guan-li-ju"


def test_no_collision_over_the_whole_country() -> None:
    names = _national_names()
    assert len(names) > 3000
    homophones: dict[str, set[str]] = {}  # toneless pinyin alone merges some
    for name in names:
        homophones.setdefault(slugify(name), set()).add(name)
    assert sum(1 for found in homophones.values() if len(found) > 1) >= 3
    assert organization_collisions(names) == {}


def test_build_refuses_two_names_with_one_key(tmp_path: Path) -> None:
    packages = tmp_path / "packages"
    for slug, department in (("a-dept", "测试一局"), ("b-dept", "测试壹局")):
        folder = packages / slug
        shutil.copytree(PACKAGES / SEED_SLUG, folder)
        descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
        descriptor.update(name=slug, department=department)
        descriptor["documentSha256"] = slug[0] * 64  # two documents, not two copies of one
        (folder / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False))
    assert organization_key("测试一局") == organization_key("测试壹局")
    result = build(packages, tmp_path / "var", "http://127.0.0.1:8000/", load=False)
    assert not result.ok
    assert any("测试一局" in m and "测试壹局" in m for m in result.failed.values())
