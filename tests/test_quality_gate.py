"""The quality gate of bench/quality.py passes its pinned floors (skipped without ../shared/corpus)."""

import importlib.util
import json
from pathlib import Path

from tests.conftest import corpus_file


def test_quality_gate_passes(capsys):
    corpus_file("intoai-feed.xml")
    path = Path(__file__).resolve().parents[1] / "bench" / "quality.py"
    spec = importlib.util.spec_from_file_location("quality_gate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    code = module.main([])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report["failed"]
    assert report["summary_rouge_l_extractive"] > report["summary_rouge_l_first_sentence"]
